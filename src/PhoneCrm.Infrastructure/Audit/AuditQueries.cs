using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Time;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Export;

namespace PhoneCrm.Infrastructure.Audit;

/// <summary>What the compliance officer searches the audit log by; every part optional.</summary>
public sealed class AuditFilter
{
    public string? Action { get; set; }
    public string? Actor { get; set; }
    public string? Entity { get; set; }
    /// <summary>First day, in the tenant's zone.</summary>
    public DateOnly? From { get; set; }
    /// <summary>Last day (included), in the tenant's zone.</summary>
    public DateOnly? To { get; set; }
    /// <summary>Keyset cursor: show entries older than this id.</summary>
    public long? Before { get; set; }
}

/// <summary>The audit log read back: searched a page at a time, or exported whole (the export itself is audited).</summary>
public sealed class AuditQueries(PhoneCrmDbContext db, AuditLog audit)
{
    private const int PageSize = 50;

    public sealed record Page(IReadOnlyList<AuditEntry> Entries, long? NextCursor, IReadOnlyList<string> Actions);

    public async Task<Page> PageAsync(AuditFilter filter, TimeZoneInfo zone, CancellationToken ct = default)
    {
        var page = await Query(filter, zone).Take(PageSize + 1).ToListAsync(ct);
        var next = page.Count > PageSize ? page[PageSize - 1].Id : (long?)null;
        var actions = await DistinctValues.AuditActionsAsync(db, 500, ct);
        return new Page(page.Take(PageSize).ToList(), next, actions);
    }

    /// <summary>Every entry matching the filter, newest first, as UTF-8 CSV in the chosen dialect (with a byte-order mark, so Excel reads it right).</summary>
    public async Task ExportCsvAsync(AuditFilter filter, TimeZoneInfo zone, Stream output, CsvDialect dialect, CancellationToken ct = default)
    {
        filter.Before = null;
        await audit.WriteAsync(AuditActions.AuditExported, "audit_log", null,
            $"action={filter.Action};actor={filter.Actor};entity={filter.Entity};from={filter.From};to={filter.To}", ct);
        ArgumentNullException.ThrowIfNull(dialect);
        await using var writer = new StreamWriter(output, dialect.Encoding);
        var csv = new CsvRowWriter(writer, dialect);
        await csv.WriteRowAsync("id", "at", "actor", "action", "entity_type", "entity_ids", "ip", "details");
        await foreach (var e in Query(filter, zone).AsAsyncEnumerable().WithCancellation(ct))
        {
            await csv.WriteRowAsync(e.Id.ToString(CultureInfo.InvariantCulture),
                e.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), e.Actor, e.Action, e.EntityType, e.EntityIds, e.Ip,
                e.Details);
        }
    }

    private IQueryable<AuditEntry> Query(AuditFilter f, TimeZoneInfo zone)
    {
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(f.Action)) q = q.Where(a => a.Action == f.Action);
        if (!string.IsNullOrWhiteSpace(f.Actor)) q = q.Where(a => a.Actor.Contains(f.Actor.Trim()));
        if (!string.IsNullOrWhiteSpace(f.Entity)) q = q.Where(a => a.EntityType == f.Entity.Trim() || a.EntityIds!.Contains(f.Entity.Trim()));
        if (f.From is { } from)
        {
            var start = WallClock.StartOf(from, zone);
            q = q.Where(a => a.At >= start);
        }

        if (f.To is { } to)
        {
            var end = WallClock.StartOf(to.AddDays(1), zone);
            q = q.Where(a => a.At < end);
        }

        if (f.Before is { } before) q = q.Where(a => a.Id < before);
        return q.OrderByDescending(a => a.Id);
    }
}
