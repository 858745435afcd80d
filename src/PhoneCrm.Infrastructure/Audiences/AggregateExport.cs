using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Export;
using PhoneCrm.Infrastructure.Segments;

namespace PhoneCrm.Infrastructure.Audiences;

/// <summary>One count of the aggregate export: a dimension (<c>city</c>, <c>segment</c>, <c>source</c>, <c>consent</c>, <c>month</c>), its value and how many contacts.</summary>
public sealed record AggregateRow(string Dimension, string Value, long Contacts);

/// <summary>
/// The analyst's aggregate export (PRODUCT.md §2.8): counts of the base by city, saved segment, source, consent state
/// and month of creation — never a row per person. A city or source held by fewer than <see cref="MinCell"/> contacts is
/// folded into <see cref="Other"/>, so a rare value cannot single a person out. Erased contacts are not counted. Every
/// export is audited.
/// </summary>
public sealed class AggregateExport(PhoneCrmDbContext db, SegmentService segments, ContactService contacts, AuditLog audit, TimeProvider clock)
{
    public const string AuditEntity = "aggregate_export";
    public const int MinCell = 5;
    public const string Other = "(other)";
    public static readonly IReadOnlyList<string> Header = ["dimension", "value", "contacts"];

    public async Task<IReadOnlyList<AggregateRow>> BuildAsync(CancellationToken ct = default)
    {
        var tenant = await contacts.TenantAsync(ct);
        var now = clock.GetUtcNow();
        var rows = new List<AggregateRow>();
        var live = db.Contacts.AsNoTracking().Where(c => c.Status != Domain.Contacts.ContactStatus.Erased);

        var cities = await live.GroupBy(c => c.City ?? "").Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        rows.AddRange(Fold("city", cities.Select(c => (c.Key, c.Count))));

        foreach (var s in await segments.ListAsync(ct))
            rows.Add(new AggregateRow("segment", s.Name, await segments.CountByIdAsync(s.Id, ct) ?? 0));

        var sources = await live.GroupBy(c => c.SourceChannel).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        rows.AddRange(Fold("source", sources.Select(c => (c.Key, c.Count))));

        // The state now: an active consent past its expiry counts as expired.
        var consents = await db.ConsentStates.AsNoTracking()
            .Join(live, s => s.ContactId, c => c.Id, (s, c) => s)
            .GroupBy(s => new { s.Purpose, s.Channel, Status = s.Status == ConsentStatus.Active && s.ExpiresAt != null && s.ExpiresAt <= now ? ConsentStatus.Expired : s.Status })
            .Select(g => new { g.Key.Purpose, g.Key.Channel, g.Key.Status, Count = g.LongCount() })
            .ToListAsync(ct);
        rows.AddRange(consents.OrderBy(c => c.Purpose, StringComparer.Ordinal).ThenBy(c => c.Channel, StringComparer.Ordinal).ThenBy(c => c.Status, StringComparer.Ordinal)
            .Select(c => new AggregateRow("consent", $"{c.Purpose}/{c.Channel}/{c.Status}", c.Count)));

        // Months in the tenant's zone (a contact made at 01:00 Moscow on the 1st belongs to that month).
        var months = await db.Database.SqlQuery<MonthCount>($"""
            SELECT to_char(c.created_at AT TIME ZONE {tenant.TimeZone}, 'YYYY-MM') AS month, count(*) AS contacts
            FROM contacts c WHERE c.tenant_id = {tenant.Id} AND c.status <> 'erased'
            GROUP BY 1 ORDER BY 1
            """).ToListAsync(ct);
        rows.AddRange(months.Select(m => new AggregateRow("month", m.Month, m.Contacts)));
        return rows;
    }

    private sealed record MonthCount(string Month, long Contacts);

    /// <summary>Values ordered by count (largest first); the rare ones summed into <see cref="Other"/>.</summary>
    private static IEnumerable<AggregateRow> Fold(string dimension, IEnumerable<(string Value, long Count)> counts)
    {
        var list = counts.ToList();
        var other = list.Where(c => c.Count < MinCell).Sum(c => c.Count);
        foreach (var c in list.Where(c => c.Count >= MinCell).OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal))
            yield return new AggregateRow(dimension, c.Value, c.Count);
        if (other > 0) yield return new AggregateRow(dimension, Other, other);
    }

    /// <summary>Writes the CSV (<see cref="Header"/>, then the rows) and audits the export with its row count.</summary>
    public async Task WriteCsvAsync(Stream output, CsvDialect dialect, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(dialect);
        var rows = await BuildAsync(ct);
        await using (var writer = new StreamWriter(output, dialect.Encoding, 16 * 1024, leaveOpen: true))
        {
            var csv = new CsvRowWriter(writer, dialect);
            await csv.WriteRowAsync([.. Header]);
            foreach (var r in rows) await csv.WriteRowAsync(r.Dimension, r.Value, r.Contacts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await audit.WriteAsync(AuditActions.Export, AuditEntity, null, $"rows={rows.Count}", ct);
    }
}
