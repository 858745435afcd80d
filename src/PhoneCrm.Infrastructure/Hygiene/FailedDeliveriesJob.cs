using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Hygiene;

/// <summary>
/// <c>hygiene-failed-deliveries</c> (daily): a number whose messages failed (undelivered, expired, rejected) on
/// <see cref="HygieneRules.FailedDays"/> different days within <see cref="HygieneRules.FailedWindowDays"/> days — a day being
/// the tenant's local day of the receipt's time — becomes <c>unreachable</c> with reason <c>failedDeliveries</c>, which the
/// send policy skips as <c>invalidPhone</c>. One set-based statement; only active contacts change, and failures before a
/// restore no longer count, so a second run changes nothing.
/// </summary>
public sealed class FailedDeliveriesJob(PhoneCrmDbContext db, AuditLog audit, TimeProvider clock) : ITenantJob
{
    public const string JobId = "hygiene-failed-deliveries";

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<FailedDeliveriesJob>(JobId, "0 3 * * *",
        "Marks numbers whose messages failed on 3 different days within 30 days unreachable (reason failedDeliveries)");

    public async Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var zone = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct);
        var marked = new List<Guid>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("""
                WITH failing AS (
                  SELECT m.contact_id
                  FROM sms_messages m
                  JOIN contacts c ON c.tenant_id = m.tenant_id AND c.id = m.contact_id
                  WHERE m.tenant_id = @t AND m.status IN ('undelivered','expired','rejected')
                    AND m.status_at > @since AND m.status_at <= @now
                    AND c.status = 'active' AND (c.status_changed_at IS NULL OR m.status_at > c.status_changed_at)
                  GROUP BY m.contact_id
                  HAVING count(DISTINCT (m.status_at AT TIME ZONE @zone)::date) >= @days
                )
                UPDATE contacts c SET status = 'unreachable', status_reason = @reason, status_changed_at = @now, updated_at = @now
                FROM failing f
                WHERE c.tenant_id = @t AND c.id = f.contact_id AND c.status = 'active'
                RETURNING c.id
                """, (NpgsqlConnection)db.Database.GetDbConnection());
            cmd.Parameters.AddRange(new[]
            {
                P("t", tenantId), P("now", now), P("since", now.AddDays(-HygieneRules.FailedWindowDays)), P("zone", zone),
                P("days", HygieneRules.FailedDays), P("reason", ContactStatusReasons.FailedDeliveries),
            });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) marked.Add(reader.GetGuid(0));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        if (marked.Count > 0) await audit.WriteAsync("contact.unreachable", "contact", string.Join(',', marked), "failedDeliveries", ct);
        return TenantJobResult.Of(new Dictionary<string, int> { ["unreachable"] = marked.Count });
    }
}
