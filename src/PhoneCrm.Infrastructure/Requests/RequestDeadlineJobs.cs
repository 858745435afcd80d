using Hangfire;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>
/// The recurring job <c>requests-deadlines</c> (api-v1 "Hygiene jobs", hourly; cron <c>Hygiene:Schedules:requests-deadlines</c>):
/// run per tenant by <see cref="TenantJobRunner"/>, it marks the
/// tenant's open requests that became overdue, or due within a day, once — the marks are what the dashboard shows and the
/// audit log records. Idempotent: a mark is set only where none is, so a rerun or a retry changes nothing.
/// </summary>
public sealed class RequestDeadlineJobs(PhoneCrmDbContext db, AuditLog audit, TimeProvider clock) : ITenantJob
{
    public const string JobId = "requests-deadlines";
    public static readonly TimeSpan DueSoon = TimeSpan.FromDays(1);

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<RequestDeadlineJobs>(JobId, Cron.Hourly(),
        "Marks open data-subject requests that became overdue or are due within a day");

    async Task<TenantJobResult> ITenantJob.RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var (overdue, dueSoon) = await MarkDueAsync(tenantId, ct);
        return TenantJobResult.Of(new Dictionary<string, int> { ["overdue"] = overdue, ["dueSoon"] = dueSoon });
    }

    /// <returns>How many requests were newly marked (overdue + due soon).</returns>
    public async Task<int> RunForTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var (overdue, dueSoon) = await MarkDueAsync(tenantId, ct);
        return overdue + dueSoon;
    }

    private async Task<(int Overdue, int DueSoon)> MarkDueAsync(Guid tenantId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.Database.OpenConnectionAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var overdue = await MarkAsync(conn, "overdue_marked_at", "due_at < @now", tenantId, now, ct);
        var dueSoon = await MarkAsync(conn, "due_soon_marked_at", "due_at >= @now AND due_at < @soon", tenantId, now, ct);
        if (overdue.Count > 0) await audit.WriteAsync("subject_request.overdue", SubjectRequests.EntityType, string.Join(',', overdue), ct: ct);
        if (dueSoon.Count > 0) await audit.WriteAsync("subject_request.due_soon", SubjectRequests.EntityType, string.Join(',', dueSoon), ct: ct);
        return (overdue.Count, dueSoon.Count);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "The column and condition are this class's two constants; every value is a parameter.")]
    private static async Task<List<string>> MarkAsync(NpgsqlConnection conn, string column, string condition, Guid tenantId, DateTimeOffset now,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            UPDATE subject_requests SET {column} = @now
            WHERE tenant_id = @t AND status IN ('received','verified') AND {column} IS NULL AND {condition}
            RETURNING number
            """, conn);
        cmd.Parameters.Add(Sql.P("now", now));
        cmd.Parameters.Add(Sql.P("soon", now + DueSoon));
        cmd.Parameters.Add(Sql.P("t", tenantId));
        var numbers = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) numbers.Add(reader.GetString(0));
        return numbers;
    }
}
