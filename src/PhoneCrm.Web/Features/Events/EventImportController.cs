using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Events.Import;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Events;

/// <summary>
/// The events import wizard, the same steps as the contacts one (upload → map columns → live progress → counts and
/// rejected rows) over the same <see cref="ImportService"/>; the rows are recorded by <see cref="EventImportHandler"/>.
/// </summary>
[Route("events/import"), RequirePermission(Permission.EventsWrite)]
public sealed class EventImportController(ImportService imports, AuditLog audit, AuditActor actor, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record UploadModel(IReadOnlyList<ImportJob> Recent, string? Error);

    public sealed record MapModel(ImportJob Job, ImportPreview Preview, IReadOnlyDictionary<string, int> Detected, string? Error);

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) =>
        View(new UploadModel(await imports.RecentAsync(10, ct, ImportKinds.Events), null));

    [HttpPost("")]
    [RequestSizeLimit(ImportService.MaxFileBytes)]
    [RequestFormLimits(MultipartBodyLengthLimit = ImportService.MaxFileBytes)]
    public async Task<IActionResult> Upload(IFormFile? file, string? sourceChannel, CancellationToken ct)
    {
        string? error;
        if (file is null || file.Length == 0) error = t["Choose a CSV or XLSX file."];
        else
        {
            await using var content = file.OpenReadStream();
            var (job, problem) = await imports.UploadAsync(ImportKinds.Events, file.FileName, content, sourceChannel, null, actor.UserId, startNow: false, ct);
            if (job is not null)
            {
                await audit.WriteAsync(AuditActions.Create, "import", job.Id.ToString(), $"events;bytes={job.SizeBytes}", ct);
                return RedirectToAction(nameof(Map), new { id = job.Id });
            }

            error = t[problem!];
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View(nameof(Index), new UploadModel(await imports.RecentAsync(10, ct, ImportKinds.Events), error));
    }

    [HttpGet("{id:guid}/map")]
    public async Task<IActionResult> Map(Guid id, CancellationToken ct)
    {
        var job = await FindAsync(id, ct);
        if (job is null) return NotFound();
        if (job.Status != ImportStatus.Draft) return RedirectToAction(nameof(Progress), new { id });
        var preview = await imports.PreviewAsync(id, ct);
        return View(new MapModel(job, preview, EventColumns.Detect(preview.Header.Fields), null));
    }

    [HttpPost("{id:guid}/start")]
    public async Task<IActionResult> Start(Guid id, [FromForm] Dictionary<string, int> map, CancellationToken ct)
    {
        var job = await FindAsync(id, ct);
        if (job is null) return NotFound();
        var mapping = map.Where(m => m.Value >= 0 && EventColumns.All.Contains(m.Key)).ToDictionary(m => m.Key, m => m.Value);
        if (EventColumns.Required.Any(r => !mapping.ContainsKey(r)))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(Map), new MapModel(job, await imports.PreviewAsync(id, ct), mapping, t["Choose the columns with the external id and the phone."]));
        }

        if (!await imports.StartAsync(id, mapping, null, ct)) return NotFound();
        return RedirectToAction(nameof(Progress), new { id });
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Progress(Guid id, CancellationToken ct) => await FindAsync(id, ct) is { } job ? View(job) : NotFound();

    /// <summary>The live part of the progress page, polled by htmx until the import ends.</summary>
    [HttpGet("{id:guid}/progress")]
    public async Task<IActionResult> ProgressPartial(Guid id, CancellationToken ct) =>
        await FindAsync(id, ct) is { } job ? PartialView("_Progress", job) : NotFound();

    [HttpGet("{id:guid}/rejected")]
    public async Task<IActionResult> Rejected(Guid id, CancellationToken ct)
    {
        var job = await FindAsync(id, ct);
        if (job is null) return NotFound();
        await audit.WriteAsync(AuditActions.Export, "import_rejections", id.ToString(), $"rows={job.Rejected}", ct);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"rejected-{id:N}.csv\"";
        await using var writer = new StreamWriter(Response.Body, new UTF8Encoding(true));
        await imports.WriteRejectedCsvAsync(id, writer, ct);
        return new EmptyResult();
    }

    private async Task<ImportJob?> FindAsync(Guid id, CancellationToken ct) =>
        await imports.FindAsync(id, ct) is { Kind: ImportKinds.Events } job ? job : null;
}
