using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Export;
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

    /// <param name="FirstRowIsData">The file has no header row: its columns are shown by position and line 1 is imported.</param>
    public sealed record MapModel(ImportWizard Wizard, ImportJob Job, ImportPreview Preview, IReadOnlyList<string> Columns,
        IReadOnlyList<string> Required, IReadOnlyDictionary<string, int> Detected, bool FirstRowIsData, string? Error)
    {
        /// <summary>The file's columns as the page names them: header names, or «Column N» for a file without one.</summary>
        public IReadOnlyList<string> ColumnNames(IStringLocalizer t) => ImportWizardController.ColumnNames(Preview.Header.Fields, FirstRowIsData, t);

        /// <summary>The rows shown: the first data rows (with line 1 when the file has no header).</summary>
        public IEnumerable<SourceRow> Rows => FirstRowIsData ? Preview.Rows.Prepend(Preview.Header) : Preview.Rows;
    }

    /// <param name="Reasons">The most frequent rejection reasons (stable English; the page translates them), when finished.</param>
    public sealed record ProgressModel(ImportWizard Wizard, ImportJob Job, IReadOnlyList<(string Reason, int Rows)> Reasons);

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
    public async Task<IActionResult> Map(Guid id, bool? firstRowIsData, CancellationToken ct)
    {
        var job = await FindAsync(id, ct);
        if (job is null) return NotFound();
        if (job.Status != ImportStatus.Draft) return Redirect($"{wizard.Path}/{id}");
        var preview = await imports.PreviewAsync(id, ct);
        // A first row of data (a phone number, no column name recognised) means the file has no header; the user can say otherwise.
        var noHeader = firstRowIsData ?? ContactImportColumns.LooksLikeData(preview.Header.Fields);
        return MapPage(job, preview, imports.SuggestMapping(wizard.Kind, preview, noHeader), noHeader, null);
    }

    [HttpPost("{id:guid}/start")]
    public async Task<IActionResult> Start(Guid id, [FromForm] Dictionary<string, int> map, string? sourceChannel, bool firstRowIsData,
        CancellationToken ct)
    {
        var job = await FindAsync(id, ct);
        if (job is null) return NotFound();
        // -1 means "do not import this column".
        var (found, errors) = await imports.StartAsync(id, map, sourceChannel, firstRowIsData, ct);
        if (!found) return NotFound();
        if (!errors.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            var missing = errors.ByField.Values.Any(m => m.Contains(ImportMappingValidator.RequiredMessage));
            var message = missing ? t[wizard.MissingColumns].Value
                : string.Join(" ", errors.ByField.Select(e => $"{FieldLabel(e.Key["mapping.".Length..])}: {string.Join(" ", e.Value.Select(t.Message))}"));
            return MapPage(job, await imports.PreviewAsync(id, ct), map.Where(m => m.Value >= 0).ToDictionary(m => m.Key, m => m.Value),
                firstRowIsData, message);
        }

        return Redirect($"{wizard.Path}/{id}");
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Progress(Guid id, CancellationToken ct) =>
        await FindAsync(id, ct) is { } job ? Page(nameof(Progress), await ProgressModelAsync(job, ct)) : NotFound();

    /// <summary>The live part of the progress page, polled by htmx until the import ends.</summary>
    [HttpGet("{id:guid}/progress")]
    public async Task<IActionResult> ProgressPartial(Guid id, CancellationToken ct) =>
        await FindAsync(id, ct) is { } job ? PartialView(ViewPath("_Progress"), await ProgressModelAsync(job, ct)) : NotFound();

    /// <summary>
    /// The rejected rows for people: each with its line, the reason in the page's language and the whole original row,
    /// so the file can be fixed and uploaded again (the API's <c>/rejected</c> stays <c>line,value,reason</c>).
    /// </summary>
    [HttpGet("{id:guid}/rejected")]
    public async Task<IActionResult> Rejected(Guid id, string? csv, CancellationToken ct) =>
        await FindAsync(id, ct) is { } job
            ? await ReportAsync(job, "rejected", "import_rejections", job.Rejected, csv, ["Reason"], imports.RejectedSourceRowsAsync(job, ct),
                r => [t.Message(r.Extra[0])], ct)
            : NotFound();

    /// <summary>
    /// A report download for people, audited as an export of personal data: line, what the report adds (its
    /// <paramref name="extraColumns"/>, English keys) and the whole original row, in the chosen CSV dialect.
    /// </summary>
    protected async Task<IActionResult> ReportAsync(ImportJob job, string name, string auditEntity, int rowCount, string? csv,
        IReadOnlyList<string> extraColumns, IAsyncEnumerable<ImportReportRow> rows, Func<ImportReportRow, IEnumerable<string?>> extra,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        await audit.WriteAsync(AuditActions.Export, auditEntity, job.Id.ToString(), $"rows={rowCount}", ct);
        var columns = ColumnNames((await imports.PreviewAsync(job.Id, ct)).Header.Fields, job.FirstRowIsData, t);
        return await ImportReportDownload.SendAsync(Response, $"{name}-{job.Id:N}.csv", CsvDialect.Choose(csv, CultureInfo.CurrentUICulture),
            [t["Line"], .. extraColumns.Select(c => t[c].Value), .. columns], rows, extra, columns.Count, ct);
    }

    private async Task<ProgressModel> ProgressModelAsync(ImportJob job, CancellationToken ct) =>
        new(wizard, job, job.Status == ImportStatus.Completed && job.Rejected > 0 ? await imports.RejectionSummaryAsync(job.Id, 5, ct) : []);

    internal static IReadOnlyList<string> ColumnNames(string[] header, bool firstRowIsData, IStringLocalizer t) =>
        firstRowIsData ? [.. header.Select((_, i) => t["Column {0}", i + 1].Value)] : header;

    private string FieldLabel(string field) => wizard.ColumnsAsNames ? field : t.Code("field", field);

    protected async Task<ImportJob?> FindAsync(Guid id, CancellationToken ct) =>
        await imports.FindAsync(id, ct) is { } job && job.Kind == wizard.Kind ? job : null;

    private async Task<IActionResult> UploadPageAsync(string? error, CancellationToken ct) =>
        Page(nameof(Index), new UploadModel(wizard, Handler.Columns, await imports.RecentAsync(10, ct, wizard.Kind), error));

    private ViewResult MapPage(ImportJob job, ImportPreview preview, IReadOnlyDictionary<string, int> detected, bool firstRowIsData, string? error) =>
        Page(nameof(Map), new MapModel(wizard, job, preview, Handler.Columns, Handler.RequiredColumns, detected, firstRowIsData, error));

    // One set of views serves every kind's controller.
    private ViewResult Page(string name, object model) => View(ViewPath(name), model);

    private static string ViewPath(string name) => $"~/Features/Imports/Views/ImportWizard/{name}.cshtml";
}

/// <summary>The contacts import wizard at <c>/contacts/import</c>.</summary>
[Route("contacts/import"), RequirePermission(Permission.ContactsImport)]
public sealed class ContactImportController(ImportService imports, ContactImportReport report, AuditLog audit, AuditActor actor,
    IStringLocalizer<SharedResource> t)
    : ImportWizardController(ImportWizard.Contacts, imports, audit, actor, t)
{
    /// <summary>
    /// The rows that brought several numbers: the number kept as the contact's, the others (kept on the contact) and
    /// the whole original row — so no number of the file goes unseen.
    /// </summary>
    [HttpGet("{id:guid}/other-phones")]
    public async Task<IActionResult> OtherPhones(Guid id, string? csv, CancellationToken ct) =>
        await FindAsync(id, ct) is { } job
            ? await ReportAsync(job, "other-phones", "import_other_phones", job.OtherPhones, csv, ["Contact's number", "Other numbers"],
                report.OtherPhonesAsync(job, ct), r => r.Extra, ct)
            : NotFound();
}

/// <summary>The events import wizard at <c>/events/import</c>.</summary>
[Route("events/import"), RequirePermission(Permission.EventsWrite)]
public sealed class EventImportController(ImportService imports, AuditLog audit, AuditActor actor, IStringLocalizer<SharedResource> t)
    : ImportWizardController(ImportWizard.Events, imports, audit, actor, t);
