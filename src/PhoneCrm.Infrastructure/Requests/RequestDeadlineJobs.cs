using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Npgsql;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>
/// The recurring job <c>requests-deadlines</c> (api-v1 "Hygiene jobs", hourly; cron <c>Hygiene:Schedules:requests-deadlines</c>):
/// the platform-level run enqueues one job per tenant (the tenant comes from the <c>tenantId</c> argument), and each marks the
/// tenant's open requests that became overdue, or due within a day, once — the marks are what the dashboard shows and the
/// audit log records. Idempotent: a mark is set only where none is, so a rerun or a retry changes nothing.
/// </summary>
public sealed class RequestDeadlineJobs(PhoneCrmDbContext db, IBackgroundJobClient jobs, AuditLog audit, TimeProvider clock)
{
    public const string JobId = "requests-deadlines";
    public static readonly TimeSpan DueSoon = TimeSpan.FromDays(1);

    /// <returns>How many tenants were given a job.</returns>
    public async Task<int> RunAllAsync(CancellationToken ct)
    {
        var tenants = await db.Tenants.AsNoTracking().Select(t => t.Id).ToListAsync(ct);
        foreach (var tenantId in tenants) jobs.Enqueue<RequestDeadlineJobs>(j => j.RunForTenantAsync(tenantId, CancellationToken.None));
        return tenants.Count;
    }

    /// <returns>How many requests were newly marked (overdue + due soon).</returns>
    [AutomaticRetry(Attempts = 3)]
    public async Task<int> RunForTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.Database.OpenConnectionAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var overdue = await MarkAsync(conn, "overdue_marked_at", "due_at < @now", tenantId, now, ct);
        var dueSoon = await MarkAsync(conn, "due_soon_marked_at", "due_at >= @now AND due_at < @soon", tenantId, now, ct);
        if (overdue.Count > 0) await audit.WriteAsync("subject_request.overdue", SubjectRequests.EntityType, string.Join(',', overdue), ct: ct);
        if (dueSoon.Count > 0) await audit.WriteAsync("subject_request.due_soon", SubjectRequests.EntityType, string.Join(',', dueSoon), ct: ct);
        return overdue.Count + dueSoon.Count;
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

/// <summary>Registers <c>requests-deadlines</c> with Hangfire at start (hourly unless <c>Hygiene:Schedules:requests-deadlines</c> says otherwise).</summary>
public sealed class RequestDeadlineSchedule(IRecurringJobManager recurring, IConfiguration config) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cron = config[$"Hygiene:Schedules:{RequestDeadlineJobs.JobId}"] ?? Cron.Hourly();
        recurring.AddOrUpdate<RequestDeadlineJobs>(RequestDeadlineJobs.JobId, j => j.RunAllAsync(CancellationToken.None), cron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
