using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Contacts;

/// <summary>The import wizard: upload → preview and map columns → live progress → counts and rejected rows.</summary>
[Route("contacts/import"), RequirePermission(Permission.ContactsImport)]
public sealed class ContactImportController(ImportService imports, AuditLog audit, AuditActor actor,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record UploadModel(IReadOnlyList<ImportJob> Recent, string? Error);

    public sealed record MapModel(ImportJob Job, ImportPreview Preview, IReadOnlyDictionary<ImportField, int> Detected);

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(new UploadModel(await imports.RecentAsync(10, ct), null));

    [HttpPost("")]
    [RequestSizeLimit(ImportService.MaxFileBytes)]
    [RequestFormLimits(MultipartBodyLengthLimit = ImportService.MaxFileBytes)]
    public async Task<IActionResult> Upload(IFormFile? file, string? sourceChannel, string? sourceDetail, CancellationToken ct)
    {
        string? error;
        if (file is null || file.Length == 0) error = t["Choose a CSV or XLSX file."];
        else
        {
            await using var content = file.OpenReadStream();
            var (job, problem) = await imports.UploadAsync(file.FileName, content, sourceChannel, sourceDetail, actor.UserId, startNow: false, ct);
            if (job is not null)
            {
                await audit.WriteAsync(AuditActions.Create, "import", job.Id.ToString(), $"bytes={job.SizeBytes}", ct);
                return RedirectToAction(nameof(Map), new { id = job.Id });
            }

            error = t[problem!];
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View(nameof(Index), new UploadModel(await imports.RecentAsync(10, ct), error));
    }

    [HttpGet("{id:guid}/map")]
    public async Task<IActionResult> Map(Guid id, CancellationToken ct)
    {
        var job = await imports.FindAsync(id, ct);
        if (job is null) return NotFound();
        if (job.Status != ImportStatus.Draft) return RedirectToAction(nameof(Progress), new { id });
        var preview = await imports.PreviewAsync(id, ct);
        return View(new MapModel(job, preview, ColumnMapper.Detect(preview.Header.Fields)));
    }

    [HttpPost("{id:guid}/start")]
    public async Task<IActionResult> Start(Guid id, [FromForm] Dictionary<string, int> map, string? sourceChannel, CancellationToken ct)
    {
        // -1 means "do not import this field".
        var mapping = map.Where(m => m.Value >= 0 && ImportFields.TryParse(m.Key, out _)).ToDictionary(m => m.Key, m => m.Value);
        if (!mapping.ContainsKey(ImportField.Phone.Name()))
        {
            var job = await imports.FindAsync(id, ct);
            if (job is null) return NotFound();
            ModelState.AddModelError("", t["Choose the column with phone numbers."]);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            var preview = await imports.PreviewAsync(id, ct);
            return View(nameof(Map), new MapModel(job, preview, mapping.ToDictionary(m => Parse(m.Key), m => m.Value)));
        }

        if (!await imports.StartAsync(id, mapping, sourceChannel, ct)) return NotFound();
        return RedirectToAction(nameof(Progress), new { id });
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Progress(Guid id, CancellationToken ct)
    {
        var job = await imports.FindAsync(id, ct);
        return job is null ? NotFound() : View(job);
    }

    /// <summary>The live part of the progress page, polled by htmx until the import ends.</summary>
    [HttpGet("{id:guid}/progress")]
    public async Task<IActionResult> ProgressPartial(Guid id, CancellationToken ct)
    {
        var job = await imports.FindAsync(id, ct);
        return job is null ? NotFound() : PartialView("_Progress", job);
    }

    [HttpGet("{id:guid}/rejected")]
    public async Task<IActionResult> Rejected(Guid id, CancellationToken ct)
    {
        var job = await imports.FindAsync(id, ct);
        if (job is null) return NotFound();
        await audit.WriteAsync(AuditActions.Export, "import_rejections", id.ToString(), $"rows={job.Rejected}", ct);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"rejected-{id:N}.csv\"";
        await using var writer = new StreamWriter(Response.Body, new UTF8Encoding(true));
        await imports.WriteRejectedCsvAsync(id, writer, ct);
        return new EmptyResult();
    }

    private static ImportField Parse(string name) => ImportFields.TryParse(name, out var f) ? f : ImportField.Phone;
}
