using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Hygiene;

/// <summary>
/// <c>hygiene-engagement</c> (daily): recomputes every contact's <c>lastEngagedAt</c> and <c>unansweredMessages</c> from
/// <see cref="EngagementSql"/> set-based (the per-event updates keep them current between runs; deliveries only here), flags
/// people without reaction for <see cref="HygieneRules.ReverificationMonths"/> months for re-verification, keeps the
/// "reactivation" system segment (no reaction for <see cref="HygieneRules.ReactivationMonths"/> months) and records this
/// month's base-health snapshot. Rows are written only when a value differs, so a second run changes nothing.
/// </summary>
public sealed class EngagementJob(PhoneCrmDbContext db, IConfiguration config, TimeProvider clock) : ITenantJob
{
    public const string JobId = "hygiene-engagement";

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<EngagementJob>(JobId, "0 4 * * *",
        "Recomputes last engagement and unanswered marketing messages, flags 18 months of silence, records the base-health snapshot");

    /// <summary>Inactive for 9 months: engaged before then, or never and created before then.</summary>
    public static string ReactivationRule { get; } = string.Create(CultureInfo.InvariantCulture, $$"""
        {"any":[{"field":"lastEngagedAt","op":"older_than_days","value":{{ReactivationDays}}},{"all":[{"field":"lastEngagedAt","op":"exists","value":false},{"field":"createdAt","op":"older_than_days","value":{{ReactivationDays}}}]}]}
        """).Trim();

    private const int ReactivationDays = HygieneRules.ReactivationMonths * 61 / 2; // 274: nine months of days

    public async Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var limit = config.GetValue("Hygiene:UnansweredLimit", HygieneRules.DefaultUnansweredLimit);
        var segment = await EnsureReactivationSegmentAsync(now, ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var recomputed = 0;
            var after = Guid.Empty;
            // Keyset batches of contacts by id: each statement is short (bounded locks, WAL and time at 1M contacts), and a
            // run that stops midway leaves finished batches finished; the next run recomputes the same values.
            while (await ScalarAsync(conn, """
                SELECT id FROM (SELECT id FROM contacts WHERE tenant_id = @t AND id > @after ORDER BY id LIMIT @n) b ORDER BY id DESC LIMIT 1
                """, ct, P("t", tenantId), P("after", after), P("n", BatchSize)) is Guid upto)
            {
                recomputed += await RecomputeAsync(conn, tenantId, after, upto, now, ct);
                after = upto;
            }

            await SnapshotAsync(conn, tenantId, now, limit, ct);
            return TenantJobResult.Of(new Dictionary<string, int> { ["recomputed"] = recomputed, ["segmentCreated"] = segment ? 1 : 0 });
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Contacts per batch of <see cref="RecomputeAsync"/>.</summary>
    public const int BatchSize = 20_000;

    /// <summary>One batch: the contacts with ids in (<paramref name="after"/>, <paramref name="upto"/>].</summary>
    private static Task<int> RecomputeAsync(NpgsqlConnection conn, Guid tenantId, Guid after, Guid upto, DateTimeOffset now, CancellationToken ct) =>
        ExecAsync(conn, $"""
                WITH g AS ({EngagementSql.LastEngagedInRange()}),
                x AS (
                  SELECT c0.id, GREATEST(c0.last_engaged_at, g.at) AS engaged,
                         coalesce(GREATEST(c0.last_engaged_at, g.at), c0.created_at) < @reverify AS reverify
                  FROM contacts c0 LEFT JOIN g ON g.contact_id = c0.id
                  WHERE c0.tenant_id = @t AND c0.status <> 'erased' AND c0.id > @after AND c0.id <= @upto
                ),
                n AS (
                  SELECT m.contact_id, count(*)::int AS n
                  FROM sms_messages m JOIN x ON x.id = m.contact_id
                  WHERE m.tenant_id = @t AND m.contact_id > @after AND m.contact_id <= @upto AND {EngagementSql.UnansweredMessage("m", "x.engaged")}
                  GROUP BY m.contact_id
                )
                UPDATE contacts c SET last_engaged_at = x.engaged, unanswered_messages = coalesce(n.n, 0), needs_reverification = x.reverify
                FROM x LEFT JOIN n ON n.contact_id = x.id
                WHERE c.tenant_id = @t AND c.id = x.id AND c.id > @after AND c.id <= @upto
                  AND (c.last_engaged_at, c.unanswered_messages, c.needs_reverification)
                      IS DISTINCT FROM (x.engaged, coalesce(n.n, 0), x.reverify)
                """, ct, P("t", tenantId), P("after", after), P("upto", upto), P("reverify", now.AddMonths(-HygieneRules.ReverificationMonths)));

    /// <summary>The system segment, created once per tenant (its membership is dynamic, like any segment's).</summary>
    private async Task<bool> EnsureReactivationSegmentAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (await db.Segments.AnyAsync(s => s.Name == HygieneRules.ReactivationSegmentName, ct)) return false;
        db.Segments.Add(new Segment { Name = HygieneRules.ReactivationSegmentName, Rule = ReactivationRule, CreatedAt = now, UpdatedAt = now });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return true;
    }

    /// <summary>This month's shares (the row is rewritten while the month lasts, only when a figure moved).</summary>
    private static Task<int> SnapshotAsync(NpgsqlConnection conn, Guid tenantId, DateTimeOffset now, int limit, CancellationToken ct) =>
        ExecAsync(conn, $"""
            INSERT INTO base_health_snapshots AS b (tenant_id, month, total, valid, unreachable, unengaged, unconsented, taken_at)
            SELECT @t, @month, count(*)::int,
                   count(*) FILTER (WHERE c.status = 'active')::int,
                   count(*) FILTER (WHERE c.status = 'unreachable')::int,
                   count(*) FILTER (WHERE c.status = 'active' AND c.unanswered_messages >= @limit)::int,
                   count(*) FILTER (WHERE NOT EXISTS (
                     SELECT 1 FROM consent_states s WHERE s.tenant_id = c.tenant_id AND s.contact_id = c.id
                       AND s.purpose = 'marketing' AND s.channel = 'sms' AND {ConsentSql.IsActive("s", "@now")}))::int,
                   @now
            FROM contacts c WHERE c.tenant_id = @t AND c.status <> 'erased'
            ON CONFLICT (tenant_id, month) DO UPDATE SET total = EXCLUDED.total, valid = EXCLUDED.valid, unreachable = EXCLUDED.unreachable,
              unengaged = EXCLUDED.unengaged, unconsented = EXCLUDED.unconsented, taken_at = EXCLUDED.taken_at
            WHERE (b.total, b.valid, b.unreachable, b.unengaged, b.unconsented)
                  IS DISTINCT FROM (EXCLUDED.total, EXCLUDED.valid, EXCLUDED.unreachable, EXCLUDED.unengaged, EXCLUDED.unconsented)
            """, ct, P("t", tenantId), P("month", new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1)), P("now", now), P("limit", limit));
}
