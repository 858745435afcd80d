using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Analytics;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Messaging;

namespace PhoneCrm.Infrastructure.Analytics;

/// <summary>
/// Stores the figures of every finished campaign whose attribution window has closed (<see cref="AttributionWindow"/>)
/// as <see cref="ClosedCampaignFigures"/>: one set-based <see cref="AttributionSql"/> statement per batch of campaigns,
/// so that the analytics page attributes live only what can still change (issue 15 item 5: 200 campaigns over 5M
/// messages in &lt; 500 ms). Idempotent (a stored, current campaign is not due again) and resumable (each batch commits);
/// a campaign stored for another window or zone is stored anew.
/// </summary>
public sealed class ClosedFiguresJob(PhoneCrmDbContext db, AnalyticsSettingsStore settings, SendingSettingsService sending, TimeProvider clock)
    : ITenantJob
{
    public const string JobId = "analytics-closed-figures";

    /// <summary>Campaigns attributed per statement: bounded work and memory per transaction.</summary>
    private const int BatchSize = 10;

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<ClosedFiguresJob>(JobId, "20 * * * *",
        "Stores the figures of finished campaigns whose attribution window has closed, for the analytics page");

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "The statement is built from AttributionSql's constant queries; every value is a parameter.")]
    public async Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var days = (await settings.GetAsync(ct)).AttributionDays;
        var zone = AnalyticsFigures.Zone((await sending.GetAsync(ct)).TimeZone).Id;
        var now = clock.GetUtcNow();
        var stored = 0;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var due = new List<Guid>();
            await using (var cmd = new NpgsqlCommand("""
                SELECT c.id FROM campaigns c
                WHERE c.tenant_id = @t AND c.status IN (@completed, @cancelled) AND c.started_at IS NOT NULL
                  AND coalesce(c.completed_at, c.updated_at) < @closedBefore
                  AND NOT EXISTS (SELECT 1 FROM analytics_closed_figures f WHERE f.tenant_id = @t AND f.campaign_id = c.id
                                    AND f.key = @total AND f.attribution_days = @days AND f.time_zone = @zone)
                  AND NOT EXISTS (SELECT 1 FROM sms_messages m WHERE m.tenant_id = @t AND m.campaign_id = c.id
                                    AND coalesce(m.sent_at, m.created_at) >= @closedBefore)
                ORDER BY c.started_at, c.id
                """, conn))
            {
                Parameters(cmd, tenantId, days, zone, now);
                cmd.Parameters.Add(new NpgsqlParameter("completed", CampaignStatus.Completed));
                cmd.Parameters.Add(new NpgsqlParameter("cancelled", CampaignStatus.Cancelled));
                cmd.Parameters.Add(Sql.P("closedBefore", NpgsqlDbType.TimestampTz, AttributionWindow.ClosedBefore(now, days)));
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) due.Add(r.GetGuid(0));
            }

            foreach (var batch in due.Chunk(BatchSize))
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await using (var cmd = new NpgsqlCommand($"""
                    DELETE FROM analytics_closed_figures WHERE tenant_id = @t AND campaign_id = ANY(@ids);
                    INSERT INTO analytics_closed_figures (tenant_id, campaign_id, key, attribution_days, time_zone, computed_at, sent, delivered,
                      read, failed, cost, clicks, conversions, revenue, opt_outs, complaints)
                    SELECT @t, split_part(f.key, '|', 1)::uuid, split_part(f.key, '|', 2), @days, @zone, @now, f.sent, f.delivered, f.read,
                      f.failed, f.cost, f.clicks, f.conversions, f.revenue, f.opt_outs, f.complaints
                    FROM ({AttributionSql.Figures(AttributionSql.Closing)})
                      AS f(key, sent, delivered, read, failed, cost, clicks, conversions, revenue, opt_outs, complaints);
                    -- A campaign that sent nothing is closed too: a zero total says so.
                    INSERT INTO analytics_closed_figures (tenant_id, campaign_id, key, attribution_days, time_zone, computed_at, sent, delivered,
                      read, failed, cost, clicks, conversions, revenue, opt_outs, complaints)
                    SELECT @t, id, @total, @days, @zone, @now, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM unnest(@ids) AS id
                    ON CONFLICT DO NOTHING;
                    """, conn, tx))
                {
                    Parameters(cmd, tenantId, days, zone, now);
                    cmd.Parameters.Add(Sql.ArrayOf("ids", batch));
                    cmd.Parameters.Add(new NpgsqlParameter("preferences", AttributionSql.PreferencesUrl));
                    cmd.CommandTimeout = 0;
                    await cmd.ExecuteNonQueryAsync(ct);
                }

                await tx.CommitAsync(ct);
                stored += batch.Length;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return TenantJobResult.Of(new Dictionary<string, int> { ["stored"] = stored });
    }

    private static void Parameters(NpgsqlCommand cmd, Guid tenantId, int days, string zone, DateTimeOffset now)
    {
        cmd.Parameters.Add(new NpgsqlParameter("t", tenantId));
        cmd.Parameters.Add(new NpgsqlParameter("days", days));
        cmd.Parameters.Add(new NpgsqlParameter("zone", zone));
        cmd.Parameters.Add(new NpgsqlParameter("total", ClosedCampaignFigures.TotalKey));
        cmd.Parameters.Add(Sql.P("now", NpgsqlDbType.TimestampTz, now));
    }
}
