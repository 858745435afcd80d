using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Imports;

/// <summary>
/// The import wizard, one for every kind of file: upload → preview and map columns → live progress → counts and
/// rejected rows. What differs by kind is data (<see cref="ImportWizard"/>) and the kind's columns; each kind's route
/// and permission are declared below, since a permission is declared per controller.
/// </summary>
public abstract class ImportWizardController(ImportWizard wizard, ImportService imports, AuditLog audit, AuditActor actor,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record UploadModel(ImportWizard Wizard, IReadOnlyList<string> Columns, IReadOnlyList<ImportJob> Recent, string? Error);

    public sealed record MapModel(ImportWizard Wizard, ImportJob Job, ImportPreview Preview, IReadOnlyList<string> Columns,
        IReadOnlyList<string> Required, IReadOnlyDictionary<string, int> Detected, string? Error);

    public sealed record ProgressModel(ImportWizard Wizard, ImportJob Job);

    private IImportRowHandler Handler => imports.Handler(wizard.Kind);

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => await UploadPageAsync(null, ct);

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
            var (job, problem) = await imports.UploadAsync(wizard.Kind, file.FileName, content, sourceChannel, sourceDetail, actor.UserId,
                startNow: false, ct);
            if (job is not null)
            {
                // Contact imports are audited as the API audits them; other kinds name themselves.
                var detail = (wizard.Kind == ImportKinds.Contacts ? "" : wizard.Kind + ";") + $"bytes={job.SizeBytes}";
                await audit.WriteAsync(AuditActions.Create, "import", job.Id.ToString(), detail, ct);
                return Redirect($"{wizard.Path}/{job.Id}/map");
            }

            error = t.OneLine(problem);
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await UploadPageAsync(error, ct);
    }

    [HttpGet("{id:guid}/map")]
    public async Task<IActionResult> Map(Guid id, CancellationToken ct)
    {
        var job = await FindAsync(id, ct);
        if (job is null) return NotFound();
        if (job.Status != ImportStatus.Draft) return Redirect($"{wizard.Path}/{id}");
        var preview = await imports.PreviewAsync(id, ct);
        return MapPage(job, preview, Handler.Detect(preview.Header.Fields), null);
    }

    [HttpPost("{id:guid}/start")]
    public async Task<IActionResult> Start(Guid id, [FromForm] Dictionary<string, int> map, string? sourceChannel, CancellationToken ct)
    {
        var job = await FindAsync(id, ct);
        if (job is null) return NotFound();
        // -1 means "do not import this column".
        var (found, errors) = await imports.StartAsync(id, map, sourceChannel, ct);
        if (!found) return NotFound();
        if (!errors.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            var missing = errors.ByField.Values.Any(m => m.Contains(ImportMappingValidator.RequiredMessage));
            var message = missing ? t[wizard.MissingColumns].Value
                : string.Join(" ", errors.ByField.Select(e => $"{e.Key["mapping.".Length..]}: {string.Join(" ", e.Value.Select(t.Message))}"));
            return MapPage(job, await imports.PreviewAsync(id, ct), map.Where(m => m.Value >= 0).ToDictionary(m => m.Key, m => m.Value), message);
        }

        return Redirect($"{wizard.Path}/{id}");
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Progress(Guid id, CancellationToken ct) =>
        await FindAsync(id, ct) is { } job ? Page(nameof(Progress), new ProgressModel(wizard, job)) : NotFound();

    /// <summary>The live part of the progress page, polled by htmx until the import ends.</summary>
    [HttpGet("{id:guid}/progress")]
    public async Task<IActionResult> ProgressPartial(Guid id, CancellationToken ct) =>
        await FindAsync(id, ct) is { } job ? PartialView(ViewPath("_Progress"), new ProgressModel(wizard, job)) : NotFound();

    [HttpGet("{id:guid}/rejected")]
    public async Task<IActionResult> Rejected(Guid id, CancellationToken ct) =>
        await FindAsync(id, ct) is { } job ? await RejectedRowsDownload.SendAsync(Response, imports, audit, job, byteOrderMark: true, ct) : NotFound();

    private async Task<ImportJob?> FindAsync(Guid id, CancellationToken ct) =>
        await imports.FindAsync(id, ct) is { } job && job.Kind == wizard.Kind ? job : null;

    private async Task<IActionResult> UploadPageAsync(string? error, CancellationToken ct) =>
        Page(nameof(Index), new UploadModel(wizard, Handler.Columns, await imports.RecentAsync(10, ct, wizard.Kind), error));

    private ViewResult MapPage(ImportJob job, ImportPreview preview, IReadOnlyDictionary<string, int> detected, string? error) =>
        Page(nameof(Map), new MapModel(wizard, job, preview, Handler.Columns, Handler.RequiredColumns, detected, error));

    // One set of views serves every kind's controller.
    private ViewResult Page(string name, object model) => View(ViewPath(name), model);

    private static string ViewPath(string name) => $"~/Features/Imports/Views/ImportWizard/{name}.cshtml";
}

/// <summary>The contacts import wizard at <c>/contacts/import</c>.</summary>
[Route("contacts/import"), RequirePermission(Permission.ContactsImport)]
public sealed class ContactImportController(ImportService imports, AuditLog audit, AuditActor actor, IStringLocalizer<SharedResource> t)
    : ImportWizardController(ImportWizard.Contacts, imports, audit, actor, t);

/// <summary>The events import wizard at <c>/events/import</c>.</summary>
[Route("events/import"), RequirePermission(Permission.EventsWrite)]
public sealed class EventImportController(ImportService imports, AuditLog audit, AuditActor actor, IStringLocalizer<SharedResource> t)
    : ImportWizardController(ImportWizard.Events, imports, audit, actor, t);
