using System.Globalization;
using Microsoft.EntityFrameworkCore;
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
public sealed class AnalyticsFigures(PhoneCrmDbContext db, AnalyticsSettingsStore settings)
{
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
    /// Every campaign and automation message by week (the Monday, yyyy-MM-dd, in <paramref name="zone"/>): a week's figures
    /// are the sum of its campaigns' and automations'. Closed campaigns count their stored days (whole days: a period
    /// that starts or ends inside a day counts that day's messages whole); the others are attributed live.
    /// </summary>
    public async Task<Dictionary<string, MeasuredFigures>> WeeksAsync(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var days = (await settings.GetAsync(ct)).AttributionDays;
        var stored = db.ClosedCampaignFigures.AsNoTracking().Where(f => f.AttributionDays == days && f.TimeZone == zone.Id);
        var closed = await stored.Where(f => f.Key == ClosedCampaignFigures.TotalKey).Select(f => f.CampaignId).ToListAsync(ct);
        var open = await db.Campaigns.AsNoTracking().Where(c => c.StartedAt != null && !closed.Contains(c.Id)).Select(c => c.Id).ToArrayAsync(ct);
        var (firstDay, lastDay) = (Day(from, zone), Day(to.AddTicks(-1), zone));
        var storedDays = await stored
            .Where(f => f.Key != ClosedCampaignFigures.TotalKey && f.Key.CompareTo(firstDay) >= 0 && f.Key.CompareTo(lastDay) <= 0)
            .ToListAsync(ct);
        var result = new Dictionary<string, MeasuredFigures>(StringComparer.Ordinal);
        void Add(string week, MeasuredFigures figures) =>
            result[week] = result.TryGetValue(week, out var sum) ? sum.Plus(figures) : figures;
        foreach (var f in storedDays)
            Add(Iso(AnalyticsReports.Monday(DateOnly.ParseExact(f.Key, "yyyy-MM-dd", CultureInfo.InvariantCulture))), MeasuredFigures.Of(f));
        foreach (var (key, figures) in await MeasureAsync(AttributionSql.Weeks, days, ct, Sql.ArrayOf("ids", open),
                     Sql.P("from", NpgsqlDbType.TimestampTz, from), Sql.P("to", NpgsqlDbType.TimestampTz, to), Sql.P("zone", zone.Id)))
            Add(key[..key.IndexOf('|', StringComparison.Ordinal)], figures);
        return result;
    }

    private static string Day(DateTimeOffset at, TimeZoneInfo zone) => Iso(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime));

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "The scope is one of AttributionSql's constant queries; every value is a parameter.")]
    private async Task<Dictionary<string, MeasuredFigures>> MeasureAsync(string scope, int days, CancellationToken ct, params NpgsqlParameter[] ps)
    {
        var result = new Dictionary<string, MeasuredFigures>(StringComparer.Ordinal);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand(AttributionSql.Figures(scope), (NpgsqlConnection)db.Database.GetDbConnection());
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
