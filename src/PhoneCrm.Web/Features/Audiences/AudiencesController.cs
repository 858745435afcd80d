using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audiences;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Infrastructure.Audiences;
using PhoneCrm.Infrastructure.Export;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Audiences;

/// <summary>
/// The Audiences page: export a saved segment to an ad platform (hashed numbers of the consented members), download the
/// files, and — for analysts — the aggregate counts of the base.
/// </summary>
[Route("audiences")]
public sealed class AudiencesController(AudienceExports exports, AggregateExport aggregate, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record IndexModel(IReadOnlyList<Segment> Segments, IReadOnlyList<(AudienceExport Export, string SegmentName)> Exports, Guid? SegmentId);

    [HttpGet(""), RequirePermission(Permission.AudiencesExport)]
    public async Task<IActionResult> Index(Guid? segmentId, CancellationToken ct) =>
        View(new IndexModel(await exports.SegmentsAsync(ct), await exports.RecentAsync(50, ct), segmentId));

    [HttpPost("exports"), RequirePermission(Permission.AudiencesExport)]
    public async Task<IActionResult> Create([FromForm] Guid? segmentId, [FromForm] string? format, CancellationToken ct)
    {
        var result = await exports.RequestAsync(segmentId, format, ct);
        if (result.Export is null) FlashError(t.OneLine(result.Errors));
        else Flash(t["The export is queued: the file is ready to download when its status is completed."]);
        return Redirect("/audiences");
    }

    [HttpGet("exports/{id:guid}/file"), RequirePermission(Permission.AudiencesExport)]
    public async Task<IActionResult> File(Guid id, CancellationToken ct)
    {
        var export = await exports.GetAsync(id, ct);
        if (export is not { Status: AudienceExportStatuses.Completed }) return NotFound();
        await AudienceFileDownload.SendAsync(Response, export, exports, ct);
        return new EmptyResult();
    }

    [HttpGet("aggregate.csv"), RequirePermission(Permission.AnalyticsExport)]
    public async Task<IActionResult> Aggregate(string? csv, CancellationToken ct)
    {
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"aggregate-{DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.csv\"";
        await aggregate.WriteCsvAsync(Response.Body, CsvDialect.Choose(csv, CultureInfo.CurrentUICulture), ct);
        return new EmptyResult();
    }
}
