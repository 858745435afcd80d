using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Analytics;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Export;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Automations;
using PhoneCrm.Infrastructure.Messaging.Campaigns;

namespace PhoneCrm.Infrastructure.Analytics;

public static class AnalyticsKinds
{
    public const string Campaign = "campaign";
    public const string Automation = "automation";
}

/// <summary>One row of the comparison: a campaign (id = its id) or an automation (id = its kind, e.g. <c>cart_abandoned</c>).</summary>
public sealed record AnalyticsRow(string Id, string Name, string Kind, DateTimeOffset? StartedAt, CampaignCounts Counts, long Failed,
    CampaignRates Rates);

public sealed record AutomationItem(string Id, string Kind, bool Enabled, string Name);

/// <summary>An acquisition source (<c>source.channel</c> + <c>detail</c>) over a period: contacts created in it, how many of
/// them hold an active marketing consent (any channel), how many ever bought and their revenue (the contacts' order stats).</summary>
public sealed record SourceRow(string Channel, string? Detail, long Contacts, long WithMarketingConsent, long Buyers, decimal Revenue)
{
    public decimal? RevenuePerContact => Contacts > 0 ? Math.Round(Revenue / Contacts, 2) : null;
}

/// <summary>One week of every campaign and automation message (for the charts).</summary>
public sealed record WeekFigures(DateOnly Monday, CampaignCounts Counts, CampaignRates Rates);

/// <summary>The comparison and the weekly series of one period, as <c>/analytics</c> shows them.</summary>
public sealed record AnalyticsPage(IReadOnlyList<AnalyticsRow> Rows, IReadOnlyList<WeekFigures> Weeks);

/// <summary>
/// The analytics capability's reads (api-v1 "Analytics"): campaigns and automations compared, an automation's stats,
/// acquisition sources, weekly series. Aggregates only — nothing here names or numbers a person.
/// </summary>
public sealed class AnalyticsReports(PhoneCrmDbContext db, AnalyticsFigures figures, AnalyticsSettingsStore settings,
    AutomationSettings automations, SendingSettingsService sending, AuditLog audit, CampaignReports campaignReports)
{
    public static string AutomationName(string kind) =>
        string.IsNullOrEmpty(kind) ? kind : char.ToUpperInvariant(kind[0]) + kind[1..].Replace('_', ' ');

    public async Task<IReadOnlyList<AutomationItem>> AutomationsAsync(CancellationToken ct = default) =>
        (await automations.ListAsync(ct)).Select(a => new AutomationItem(a.Kind, a.Kind, a.Enabled, AutomationName(a.Kind))).ToList();

    /// <summary>An automation's stats over all its messages; null for an unknown kind.</summary>
    public async Task<AnalyticsStats?> AutomationStatsAsync(string kind, CancellationToken ct = default)
    {
        if (AutomationKind.Find(kind) is null) return null;
        var measured = (await figures.AutomationsAsync([kind], DateTimeOffset.MinValue, DateTimeOffset.MaxValue, ct))
            .GetValueOrDefault(kind, MeasuredFigures.None);
        var runs = await db.AutomationRuns.AsNoTracking().Where(r => r.Kind == kind)
            .GroupBy(r => new { r.Status, r.Reason }).Select(g => new { g.Key.Status, g.Key.Reason, Count = g.LongCount() }).ToListAsync(ct);
        var skipped = SkippedFigures.From(runs.Where(r => r.Status == AutomationRunStatus.Skipped && r.Reason is not null)
            .GroupBy(r => r.Reason!).ToDictionary(g => g.Key, g => g.Sum(x => x.Count)));
        var rates = CampaignFlags.Judge(measured.Counts, (await settings.GetAsync(ct)).Thresholds);
        return AnalyticsStats.From(measured, rates, runs.Sum(r => r.Count), skipped,
            runs.Where(r => r.Status == AutomationRunStatus.Pending).Sum(r => r.Count));
    }

    /// <summary>Campaigns started in [from, to) and automations with messages in it, figures for each, newest campaigns first.</summary>
    public async Task<IReadOnlyList<AnalyticsRow>> CompareAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        (await MeasureAsync(from, to, compare: true, weeks: false, ct)).Rows;

    /// <summary>Every week of [from, to) (in the tenant's zone) with its campaign and automation messages; empty weeks are zeros.</summary>
    public async Task<IReadOnlyList<WeekFigures>> WeeksAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        (await MeasureAsync(from, to, compare: false, weeks: true, ct)).Weeks;

    /// <summary>
    /// What <c>/analytics</c> shows of [from, to): the comparison (<see cref="CompareAsync"/>) and the weeks
    /// (<see cref="WeeksAsync"/>), the same figures, with the live part (open campaigns, automations) measured once for both.
    /// </summary>
    /// <param name="cacheLive">Reuse the live part measured for the same period within the last minute
    /// (<see cref="AnalyticsFigures.Request.CacheLive"/>); the page does, the API never.</param>
    public Task<AnalyticsPage> PageAsync(DateTimeOffset from, DateTimeOffset to, bool cacheLive = false, CancellationToken ct = default) =>
        MeasureAsync(from, to, compare: true, weeks: true, ct, cacheLive);

    private async Task<AnalyticsPage> MeasureAsync(DateTimeOffset from, DateTimeOffset to, bool compare, bool weeks, CancellationToken ct,
        bool cacheLive = false)
    {
        var thresholds = (await settings.GetAsync(ct)).Thresholds;
        var campaigns = compare
            ? await db.Campaigns.AsNoTracking()
                .Where(c => c.StartedAt != null && c.StartedAt >= from && c.StartedAt < to)
                .OrderByDescending(c => c.StartedAt).Select(c => new ComparedCampaign(c.Id, c.Name, c.StartedAt)).ToListAsync(ct)
            : [];
        var zone = weeks ? AnalyticsFigures.Zone((await sending.GetAsync(ct)).TimeZone) : null;
        var measured = await figures.MeasureAsync(new AnalyticsFigures.Request(campaigns.ConvertAll(c => c.Id),
            compare ? AutomationKind.All.Select(k => k.Code).ToList() : [], from, to, zone, cacheLive), ct);

        var rows = campaigns.ConvertAll(c =>
        {
            var m = measured.Campaigns.GetValueOrDefault(c.Id.ToString(), MeasuredFigures.None);
            return new AnalyticsRow(c.Id.ToString(), c.Name, AnalyticsKinds.Campaign, c.StartedAt, m.Counts, m.Failed,
                CampaignFlags.Judge(m.Counts, thresholds));
        });
        foreach (var kind in AutomationKind.All.Where(k => measured.Automations.ContainsKey(k.Code)))
        {
            var m = measured.Automations[kind.Code];
            rows.Add(new AnalyticsRow(kind.Code, AutomationName(kind.Code), AnalyticsKinds.Automation, await FirstSentAsync(kind.Code, ct),
                m.Counts, m.Failed, CampaignFlags.Judge(m.Counts, thresholds)));
        }

        var series = new List<WeekFigures>();
        if (zone is not null)
        {
            var first = Monday(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime));
            var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to.AddTicks(-1), zone).DateTime);
            for (var monday = first; monday <= last; monday = monday.AddDays(7))
            {
                var counts = measured.Weeks.GetValueOrDefault(monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), MeasuredFigures.None).Counts;
                series.Add(new WeekFigures(monday, counts, CampaignFlags.Judge(counts, thresholds)));
            }
        }

        return new AnalyticsPage(rows, series);
    }

    private sealed record ComparedCampaign(Guid Id, string Name, DateTimeOffset? StartedAt);

    /// <summary>
    /// An automation's <c>startedAt</c>: when it sent its first message (of its earliest run that produced one: runs are
    /// read in creation order on their kind's index, so this stops at the first). An automation keeps no activation
    /// time, and one that never sent has no figures to list.
    /// </summary>
    private Task<DateTimeOffset?> FirstSentAsync(string kind, CancellationToken ct) =>
        db.AutomationRuns.AsNoTracking().Where(r => r.Kind == kind && r.MessageId != null)
            .Join(db.SmsMessages.Where(m => m.SentAt != null), r => r.MessageId, m => (Guid?)m.Id, (r, m) => new { r.CreatedAt, m.SentAt })
            .OrderBy(x => x.CreatedAt).Select(x => x.SentAt).FirstOrDefaultAsync(ct);

    public static DateOnly Monday(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>
    /// Contacts created in [from, to) by source: one grouped count over the tenant's contacts. The source's detail is
    /// free text a person typed (a store's address, an import's file name, a note), so it is grouped on and shown only
    /// with <paramref name="withDetail"/>: a reader of every contact's personal data (RolePermissions: not the Analyst).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "The only text added is a constant clause; every value is a parameter.")]
    public async Task<IReadOnlyList<SourceRow>> SourcesAsync(DateTimeOffset from, DateTimeOffset to, bool withDetail, CancellationToken ct = default)
    {
        var rows = new List<SourceRow>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // "Holds an active marketing consent" from the consent mask on the contact row (as segments count it), not a
            // lookup per contact: masks whose next expiry has passed are brought up to date first; a marketing channel
            // without a bit (past a tenant's 63rd key) is still read from the states.
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            await ConsentMask.RefreshDueAsync(conn, null, ct);
            var marketing = (await ConsentMask.BitsAsync(conn, null, ct))
                .Where(b => b.Key.StartsWith(ConsentMask.Key(ConsentTerms.Marketing, ""), StringComparison.Ordinal))
                .Aggregate(0L, (mask, b) => mask | (1L << b.Value));
            bool unbitted;
            await using (var keys = new NpgsqlCommand(
                "SELECT EXISTS (SELECT 1 FROM consent_keys WHERE tenant_id = app_current_tenant() AND purpose = 'marketing' AND bit IS NULL)", conn))
                unbitted = (bool)(await keys.ExecuteScalarAsync(ct))!;
            var states = unbitted ? """
                  OR EXISTS (SELECT 1 FROM consent_states s WHERE s.tenant_id = c.tenant_id AND s.contact_id = c.id
                    AND s.purpose = 'marketing' AND s.status = 'active' AND (s.expires_at IS NULL OR s.expires_at > now()))
                """ : "";
            await using var cmd = new NpgsqlCommand($"""
                SELECT c.source_channel, CASE WHEN @detail THEN c.source_detail END AS detail, count(*),
                  count(*) FILTER (WHERE (c.consent_mask & @marketing) <> 0 {states}),
                  count(*) FILTER (WHERE c.orders_count > 0),
                  coalesce(sum(c.total_spent), 0)
                FROM contacts c
                WHERE c.tenant_id = @t AND c.created_at >= @from AND c.created_at < @to AND c.status <> 'erased'
                GROUP BY 1, 2
                ORDER BY count(*) DESC, 1, 2
                """, conn);
            cmd.Parameters.Add(new NpgsqlParameter("marketing", marketing));
            cmd.Parameters.Add(new NpgsqlParameter("t", db.Tenant.RequireTenant()));
            cmd.Parameters.Add(Sql.P("from", NpgsqlTypes.NpgsqlDbType.TimestampTz, from));
            cmd.Parameters.Add(Sql.P("to", NpgsqlTypes.NpgsqlDbType.TimestampTz, to));
            cmd.Parameters.Add(new NpgsqlParameter("detail", withDetail));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                rows.Add(new SourceRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4),
                    r.GetDecimal(5)));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return rows;
    }

    /// <summary>
    /// The comparison as CSV (figures only, no personal data), audited as an export. Names are the tenant's own text, so
    /// every cell goes through <see cref="CsvRowWriter"/>'s formula neutralisation.
    /// </summary>
    public async Task ExportCsvAsync(DateTimeOffset from, DateTimeOffset to, Stream output, CsvDialect dialect, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        var rows = await CompareAsync(from, to, ct);
        await audit.WriteAsync(AuditActions.Export, "analytics_campaigns", null,
            $"from={from:O};to={to:O};rows={rows.Count}", ct);
        await using var writer = new StreamWriter(output, dialect.Encoding);
        var csv = new CsvRowWriter(writer, dialect);
        await csv.WriteRowAsync("id", "name", "kind", "started_at", "sent", "delivered", "failed", "read", "clicks", "conversions",
            "revenue", "opt_outs", "complaints", "cost", "delivery_rate", "read_rate", "click_rate", "conversion_rate", "opt_out_rate",
            "complaint_rate", "roi", "flags");
        static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        static string D(decimal? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";
        foreach (var r in rows)
        {
            var c = r.Counts;
            await csv.WriteRowAsync(r.Id, r.Name, r.Kind, r.StartedAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), N(c.Sent),
                N(c.Delivered), N(r.Failed), N(c.Read), N(c.Clicks), N(c.Conversions), D(c.Revenue), N(c.OptOuts), N(c.Complaints), D(c.Cost),
                D(r.Rates.DeliveryRate), D(r.Rates.ReadRate), D(r.Rates.ClickRate), D(r.Rates.ConversionRate), D(r.Rates.OptOutRate),
                D(r.Rates.ComplaintRate), D(r.Rates.Roi), string.Join(' ', r.Rates.Flags));
        }
    }

    /// <summary>The drill-down: one campaign's figures and its A/B variants' (aggregates only); null when not this tenant's.</summary>
    public async Task<(Campaign Campaign, CampaignStats Stats, IReadOnlyList<(string Variant, CampaignCounts Counts, CampaignRates Rates)> Variants)?>
        CampaignAsync(Guid id, CancellationToken ct = default)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null) return null;
        return (campaign, await campaignReports.StatsAsync(campaign, ct),
            campaign.IsAbTest ? await campaignReports.VariantFiguresAsync(id, ct) : []);
    }
}
