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
}

/// <summary>
/// Runs <see cref="AttributionSql"/> for a scope: one set-based statement over indexed columns, grouped by the scope's
/// key; nothing about a recipient is loaded into memory. The tenant's attribution window comes from its settings.
/// </summary>
public sealed class AnalyticsFigures(PhoneCrmDbContext db, AnalyticsSettingsStore settings)
{
    public Task<Dictionary<string, MeasuredFigures>> CampaignsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default) =>
        ids.Count == 0
            ? Task.FromResult(new Dictionary<string, MeasuredFigures>())
            : MeasureAsync(AttributionSql.Campaigns, ct, Sql.ArrayOf("ids", ids));

    public Task<Dictionary<string, MeasuredFigures>> VariantsAsync(Guid campaignId, CancellationToken ct = default) =>
        MeasureAsync(AttributionSql.Variants, ct, new NpgsqlParameter("campaign", campaignId));

    public Task<Dictionary<string, MeasuredFigures>> AutomationsAsync(IReadOnlyCollection<string> kinds, DateTimeOffset from,
        DateTimeOffset to, CancellationToken ct = default) =>
        MeasureAsync(AttributionSql.Automations, ct, Sql.ArrayOf("kinds", kinds),
            Sql.P("from", NpgsqlDbType.TimestampTz, from), Sql.P("to", NpgsqlDbType.TimestampTz, to));

    /// <summary>Every campaign and automation message by week (the Monday, yyyy-MM-dd, in <paramref name="zone"/>).</summary>
    public Task<Dictionary<string, MeasuredFigures>> WeeksAsync(DateTimeOffset from, DateTimeOffset to, string zone,
        CancellationToken ct = default) =>
        MeasureAsync(AttributionSql.Weeks, ct, Sql.P("from", NpgsqlDbType.TimestampTz, from), Sql.P("to", NpgsqlDbType.TimestampTz, to),
            Sql.P("zone", zone));

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "The scope is one of AttributionSql's constant queries; every value is a parameter.")]
    private async Task<Dictionary<string, MeasuredFigures>> MeasureAsync(string scope, CancellationToken ct, params NpgsqlParameter[] ps)
    {
        var days = (await settings.GetAsync(ct)).AttributionDays;
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
