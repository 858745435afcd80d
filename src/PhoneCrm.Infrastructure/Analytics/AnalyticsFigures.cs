using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Analytics;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Analytics;

/// <summary>The counts of one measured set of messages and how many of them failed.</summary>
public sealed record MeasuredFigures(CampaignCounts Counts, long Failed)
{
    public static MeasuredFigures None { get; } = new(CampaignCounts.None, 0);

    public static MeasuredFigures Of(ClosedCampaignFigures stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new(stored.Counts, stored.Failed);
    }

    public MeasuredFigures Plus(MeasuredFigures other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var (a, b) = (Counts, other.Counts);
        return new(new CampaignCounts(a.Sent + b.Sent, a.Delivered + b.Delivered, a.Read + b.Read, a.Clicks + b.Clicks,
            a.Conversions + b.Conversions, a.OptOuts + b.OptOuts, a.Complaints + b.Complaints, a.Cost + b.Cost, a.Revenue + b.Revenue),
            Failed + other.Failed);
    }
}

/// <summary>
/// Runs <see cref="AttributionSql"/> for a scope: one set-based statement over indexed columns, grouped by the scope's
/// key; nothing about a recipient is loaded into memory. The tenant's attribution window comes from its settings.
/// Campaigns whose window has closed are read from <see cref="ClosedCampaignFigures"/> (stored by
/// <see cref="ClosedFiguresJob"/>) while they are current; only the others are attributed live.
/// </summary>
public sealed class AnalyticsFigures(PhoneCrmDbContext db, AnalyticsSettingsStore settings, IMemoryCache cache, IConfiguration config)
{
    /// <summary>
    /// How long the page's live part (<see cref="Request.CacheLive"/>) is reused for the same tenant and question
    /// (<c>Analytics:LiveFiguresCacheSeconds</c>, default 60; 0 = never).
    /// </summary>
    public const int DefaultLiveCacheSeconds = 60;

    /// <summary>The tenant's zone for days and weeks (its sending settings' zone; UTC when the system does not know it).</summary>
    public static TimeZoneInfo Zone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    public async Task<Dictionary<string, MeasuredFigures>> CampaignsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default)
    {
        var result = new Dictionary<string, MeasuredFigures>(StringComparer.Ordinal);
        if (ids.Count == 0) return result;
        var days = (await settings.GetAsync(ct)).AttributionDays;
        var stored = await db.ClosedCampaignFigures.AsNoTracking()
            .Where(f => ids.Contains(f.CampaignId) && f.Key == ClosedCampaignFigures.TotalKey && f.AttributionDays == days).ToListAsync(ct);
        foreach (var f in stored) result[f.CampaignId.ToString()] = MeasuredFigures.Of(f);
        var live = ids.Where(id => !result.ContainsKey(id.ToString())).ToArray();
        if (live.Length > 0)
        {
            foreach (var (key, figures) in await MeasureAsync(AttributionSql.Campaigns, days, ct, Sql.ArrayOf("ids", live)))
                result[key] = figures;
        }

        return result;
    }

    public async Task<Dictionary<string, MeasuredFigures>> VariantsAsync(Guid campaignId, CancellationToken ct = default) =>
        await MeasureAsync(AttributionSql.Variants, (await settings.GetAsync(ct)).AttributionDays, ct, new NpgsqlParameter("campaign", campaignId));

    public async Task<Dictionary<string, MeasuredFigures>> AutomationsAsync(IReadOnlyCollection<string> kinds, DateTimeOffset from,
        DateTimeOffset to, CancellationToken ct = default) =>
        await MeasureAsync(AttributionSql.Automations, (await settings.GetAsync(ct)).AttributionDays, ct, Sql.ArrayOf("kinds", kinds),
            Sql.P("from", NpgsqlDbType.TimestampTz, from), Sql.P("to", NpgsqlDbType.TimestampTz, to));

    /// <summary>
    /// What the comparison and the weekly charts read, measured together: the totals of the campaigns <c>campaigns</c>,
    /// the totals of the automations of kinds <c>kinds</c> over messages created in [from, to), and, with a
    /// <c>weeksZone</c>, every campaign and automation message of [from, to) by week (the Monday, yyyy-MM-dd, in that zone).
    /// </summary>
    /// <param name="CacheLive">
    /// Reuse the live part measured for the same question (tenant, window, campaigns, period, zone) in the last
    /// <c>Analytics:LiveFiguresCacheSeconds</c>: figures still inside their window may then be that much behind (no
    /// invalidation: an order, a receipt or a click shows on the page within the minute). Stored figures are always read.
    /// </param>
    public sealed record Request(IReadOnlyCollection<Guid> Campaigns, IReadOnlyCollection<string> Kinds, DateTimeOffset From, DateTimeOffset To,
        TimeZoneInfo? WeeksZone, bool CacheLive = false);

    /// <summary>Figures by campaign id, by automation kind and by week (empty when no weeks were asked for).</summary>
    public sealed record Measured(Dictionary<string, MeasuredFigures> Campaigns, Dictionary<string, MeasuredFigures> Automations,
        Dictionary<string, MeasuredFigures> Weeks);

    private const string CampaignPrefix = "c|", AutomationPrefix = "a|";

    /// <summary>
    /// Everything <see cref="Request"/> asks for with at most one attribution statement: what is stored (closed campaigns'
    /// totals and days) is read, and what is live — campaigns whose window is open, automations — is measured once,
    /// each message one row of <see cref="AttributionSql.PageFigures"/> counted for the comparison and for its week (the open
    /// campaigns' messages and outcomes are read and attributed once per page, not once per table and once per chart).
    /// <para>A campaign's total is stored for the tenant's window (any zone: a total has no days); its days only for the
    /// window and the zone of the charts. A week's figures are the sum of its campaigns' and automations' (as the
    /// comparison lists them), closed campaigns counting their stored days (whole days: a period that starts or ends
    /// inside a day counts that day's messages whole); the others are attributed live over [from, to).</para>
    /// </summary>
    public async Task<Measured> MeasureAsync(Request request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var days = (await settings.GetAsync(ct)).AttributionDays;
        var result = new Measured(new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        Guid[] live = [], open = [];

        if (request.Campaigns.Count > 0)
        {
            var ids = request.Campaigns;
            var stored = await db.ClosedCampaignFigures.AsNoTracking()
                .Where(f => ids.Contains(f.CampaignId) && f.Key == ClosedCampaignFigures.TotalKey && f.AttributionDays == days).ToListAsync(ct);
            foreach (var f in stored) result.Campaigns[f.CampaignId.ToString()] = MeasuredFigures.Of(f);
            live = ids.Where(id => !result.Campaigns.ContainsKey(id.ToString())).ToArray();
        }

        if (request.WeeksZone is { } zone)
        {
            var stored = db.ClosedCampaignFigures.AsNoTracking().Where(f => f.AttributionDays == days && f.TimeZone == zone.Id);
            var closed = await stored.Where(f => f.Key == ClosedCampaignFigures.TotalKey).Select(f => f.CampaignId).ToListAsync(ct);
            open = await db.Campaigns.AsNoTracking().Where(c => c.StartedAt != null && !closed.Contains(c.Id)).Select(c => c.Id).ToArrayAsync(ct);
            var (firstDay, lastDay) = (Day(request.From, zone), Day(request.To.AddTicks(-1), zone));
            var storedDays = await stored
                .Where(f => f.Key != ClosedCampaignFigures.TotalKey && f.Key.CompareTo(firstDay) >= 0 && f.Key.CompareTo(lastDay) <= 0)
                .ToListAsync(ct);
            foreach (var f in storedDays)
                AddWeek(result.Weeks, Iso(AnalyticsReports.Monday(DateOnly.ParseExact(f.Key, "yyyy-MM-dd", CultureInfo.InvariantCulture))),
                    MeasuredFigures.Of(f));
        }

        if (live.Length == 0 && request.Kinds.Count == 0 && request.WeeksZone is null) return result;
        NpgsqlParameter[] ps =
        [
            Sql.ArrayOf("ids", live), Sql.ArrayOf("kinds", request.Kinds), Sql.ArrayOf("open", open),
            Sql.P("weeks", request.WeeksZone is not null), Sql.P("zone", (request.WeeksZone ?? TimeZoneInfo.Utc).Id),
            Sql.P("from", NpgsqlDbType.TimestampTz, request.From), Sql.P("to", NpgsqlDbType.TimestampTz, request.To),
        ];
        var statement = AttributionSql.PageFigures;
        var seconds = request.CacheLive ? config.GetValue("Analytics:LiveFiguresCacheSeconds", DefaultLiveCacheSeconds) : 0;
        Dictionary<string, MeasuredFigures> measured;
        if (seconds <= 0) measured = await MeasureStatementAsync(statement, days, ct, ps);
        else
        {
            // The question, whole: the tenant, the window, the scopes and every parameter's value.
            var question = string.Join('|', [db.Tenant.RequireTenant().ToString(), days.ToString(CultureInfo.InvariantCulture), statement,
                .. ps.Select(p => p.ParameterName + "=" + (p.Value is System.Collections.IEnumerable list and not string
                    ? string.Join(',', list.Cast<object>().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal))
                    : p.Value is DateTimeOffset at ? at.UtcTicks.ToString(CultureInfo.InvariantCulture) : Convert.ToString(p.Value, CultureInfo.InvariantCulture)))]);
            var key = "analytics-live:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(question)));
            if (!cache.TryGetValue(key, out Dictionary<string, MeasuredFigures>? hit) || hit is null)
            {
                hit = await MeasureStatementAsync(statement, days, ct, ps);
                cache.Set(key, hit, TimeSpan.FromSeconds(seconds));
            }

            measured = hit;
        }

        foreach (var (key, figures) in measured)
        {
            var rest = key[2..];
            switch (key[..2])
            {
                case CampaignPrefix: result.Campaigns[rest] = figures; break;
                case AutomationPrefix: result.Automations[rest] = figures; break;
                default: AddWeek(result.Weeks, rest[..rest.IndexOf('|', StringComparison.Ordinal)], figures); break;
            }
        }

        return result;
    }

    private static void AddWeek(Dictionary<string, MeasuredFigures> weeks, string week, MeasuredFigures figures) =>
        weeks[week] = weeks.TryGetValue(week, out var sum) ? sum.Plus(figures) : figures;

    private static string Day(DateTimeOffset at, TimeZoneInfo zone) => Iso(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime));

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private Task<Dictionary<string, MeasuredFigures>> MeasureAsync(string scope, int days, CancellationToken ct, params NpgsqlParameter[] ps) =>
        MeasureStatementAsync(AttributionSql.Figures(scope), days, ct, ps);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "The statement is AttributionSql's, over one of its constant scopes; every value is a parameter.")]
    private async Task<Dictionary<string, MeasuredFigures>> MeasureStatementAsync(string statement, int days, CancellationToken ct,
        params NpgsqlParameter[] ps)
    {
        var result = new Dictionary<string, MeasuredFigures>(StringComparer.Ordinal);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            // Set for this statement only (a read-only transaction): its estimated cost over hundreds of thousands of
            // messages switches JIT compilation on, which took longer (0.6 s at bench scale) than it saved; its sorts and
            // hashes (the scope by contact and by key) spill to disk at the default 4 MB; the planner cannot estimate the
            // materialised scope's marketing filter (1 % of it) and meets the outcomes with a merge join, sorting both
            // (125,000 messages and as many orders: 0.1-0.2 s), where hashing the scope by contact is cheaper.
            await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
            await using (var set = new NpgsqlCommand(
                "SET TRANSACTION READ ONLY; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'; SET LOCAL enable_mergejoin = off", conn, tx))
                await set.ExecuteNonQueryAsync(ct);
            await using var cmd = new NpgsqlCommand(statement, conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter("t", db.Tenant.RequireTenant()));
            cmd.Parameters.Add(new NpgsqlParameter("days", days));
            cmd.Parameters.Add(new NpgsqlParameter("preferences", AttributionSql.PreferencesUrl));
            cmd.Parameters.AddRange(ps);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var counts = new CampaignCounts(Sent: r.GetInt64(1), Delivered: r.GetInt64(2), Read: r.GetInt64(3), Clicks: r.GetInt64(6),
                    Conversions: r.GetInt64(7), OptOuts: r.GetInt64(9), Complaints: r.GetInt64(10), Cost: r.GetDecimal(5), Revenue: r.GetDecimal(8));
                result[r.GetString(0)] = new MeasuredFigures(counts, r.GetInt64(4));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return result;
    }
}
