using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Export;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Audit;

/// <summary>The compliance officer's view of the audit log: search, page through, export.</summary>
[Route("audit"), RequirePermission(Permission.AuditRead)]
public sealed class AuditController(AuditQueries auditQueries, TenantClock clock) : UiController
{
    public sealed record IndexModel(AuditFilter Filter, IReadOnlyList<AuditEntry> Entries, long? NextCursor, IReadOnlyList<string> Actions);

    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] AuditFilter filter)
    {
        var page = await auditQueries.PageAsync(filter, clock.Zone, HttpContext.RequestAborted);
        return View(new IndexModel(filter, page.Entries, page.NextCursor, page.Actions));
    }

    [HttpGet("export")]
    public async Task<IActionResult> Export([FromQuery] AuditFilter filter, string? csv)
    {
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv\"";
        await auditQueries.ExportCsvAsync(filter, clock.Zone, Response.Body, CsvDialect.Choose(csv, System.Globalization.CultureInfo.CurrentUICulture),
            HttpContext.RequestAborted);
        return new EmptyResult();
    }
}
