using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Export;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Audit;

/// <summary>The compliance officer's view of the audit log: search, page through, export.</summary>
[Route("audit"), RequirePermission(Permission.AuditRead)]
public sealed class AuditController(PhoneCrmDbContext db, AuditLog audit) : UiController
{
    private const int PageSize = 50;

    public sealed class Filter
    {
        public string? Action { get; set; }
        public string? Actor { get; set; }
        public string? Entity { get; set; }
        public DateOnly? From { get; set; }
        public DateOnly? To { get; set; }
        /// <summary>Keyset cursor: show entries older than this id.</summary>
        public long? Before { get; set; }
    }

    public sealed record IndexModel(Filter Filter, IReadOnlyList<AuditEntry> Entries, long? NextCursor, IReadOnlyList<string> Actions);

    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] Filter filter)
    {
        var page = await Query(filter).Take(PageSize + 1).ToListAsync();
        var next = page.Count > PageSize ? page[PageSize - 1].Id : (long?)null;
        var actions = await DistinctValues.AuditActionsAsync(db, 500, HttpContext.RequestAborted);
        return View(new IndexModel(filter, page.Take(PageSize).ToList(), next, actions));
    }

    [HttpGet("export")]
    public async Task<IActionResult> Export([FromQuery] Filter filter)
    {
        filter.Before = null;
        await audit.WriteAsync(AuditActions.AuditExported, "audit_log", null,
            $"action={filter.Action};actor={filter.Actor};entity={filter.Entity};from={filter.From};to={filter.To}");
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv\"";
        await using var writer = new StreamWriter(Response.Body, new System.Text.UTF8Encoding(true));
        var csv = new CsvRowWriter(writer);
        await csv.WriteRowAsync("id", "at", "actor", "action", "entity_type", "entity_ids", "ip", "details");
        await foreach (var e in Query(filter).AsAsyncEnumerable())
        {
            await csv.WriteRowAsync(e.Id.ToString(CultureInfo.InvariantCulture),
                e.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), e.Actor, e.Action, e.EntityType, e.EntityIds, e.Ip,
                e.Details);
        }

        return new EmptyResult();
    }

    private IQueryable<AuditEntry> Query(Filter f)
    {
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(f.Action)) q = q.Where(a => a.Action == f.Action);
        if (!string.IsNullOrWhiteSpace(f.Actor)) q = q.Where(a => a.Actor.Contains(f.Actor.Trim()));
        if (!string.IsNullOrWhiteSpace(f.Entity)) q = q.Where(a => a.EntityType == f.Entity.Trim() || a.EntityIds!.Contains(f.Entity.Trim()));
        if (f.From is { } from) q = q.Where(a => a.At >= new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        if (f.To is { } to) q = q.Where(a => a.At < new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        if (f.Before is { } before) q = q.Where(a => a.Id < before);
        return q.OrderByDescending(a => a.Id);
    }
}
