using Hangfire;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>Starting imports and reading their results: shared by the API and the import wizard.</summary>
public sealed class ImportService(
    PhoneCrmDbContext db,
    ImportFileStore files,
    IBackgroundJobClient jobs,
    PiiProtector pii,
    TimeProvider clock,
    IEnumerable<IImportRowHandler> handlers)
{
    public const long MaxFileBytes = 200L * 1024 * 1024;

    private const int ReportPage = 5_000;

    /// <summary>
    /// Stores the upload and checks it can be read; one started now (the API) must also name its required columns
    /// in the header — a wizard draft is mapped by hand, so a header it cannot read (or none) is no reason to refuse it.
    /// Errors keyed <c>sourceChannel</c> or <c>file</c>.
    /// </summary>
    public Task<(ImportJob? Job, ValidationErrors Errors)> UploadAsync(string fileName, Stream content, string? sourceChannel,
        string? sourceDetail, Guid? userId, bool startNow, CancellationToken ct) =>
        UploadAsync(ImportKinds.Contacts, fileName, content, sourceChannel, sourceDetail, userId, startNow, ct);

    /// <summary>Stores an upload of the given <see cref="ImportKinds">kind</see> (contacts or events).</summary>
    public async Task<(ImportJob? Job, ValidationErrors Errors)> UploadAsync(string kind, string fileName, Stream content, string? sourceChannel,
        string? sourceDetail, Guid? userId, bool startNow, CancellationToken ct)
    {
        var channel = string.IsNullOrWhiteSpace(sourceChannel) ? ContactSources.Import : sourceChannel.Trim().ToLowerInvariant();
        if (!ContactSources.All.Contains(channel))
            return (null, ValidationErrors.Of("sourceChannel", $"Unknown source channel '{channel}'. Use one of: {string.Join(", ", ContactSources.All)}."));

        var job = new ImportJob
        {
            TenantId = db.Tenant.RequireTenant(),
            Id = Guid.CreateVersion7(),
            Kind = kind,
            FileName = Path.GetFileName(fileName).Length > 0 ? Path.GetFileName(fileName)[..Math.Min(200, Path.GetFileName(fileName).Length)] : "upload.csv",
            SourceChannel = channel,
            SourceDetail = string.IsNullOrWhiteSpace(sourceDetail) ? null : sourceDetail.Trim()[..Math.Min(200, sourceDetail.Trim().Length)],
            Status = ImportStatus.Draft,
            CreatedBy = userId,
            CreatedAt = clock.GetUtcNow(),
            UpdatedAt = clock.GetUtcNow(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(job);
        await db.SaveChangesAsync(ct);
        job.SizeBytes = await files.SaveAsync(job.Id, content, ct);
        if (job.SizeBytes == 0) return (null, ValidationErrors.Of("file", "The file is empty."));

        var error = await CheckReadableAsync(job.Id, startNow ? Handler(kind) : null, ct);
        if (error is not null) return (null, ValidationErrors.Of("file", error));
        if (startNow) job.Status = ImportStatus.Queued;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (startNow) ImportJobs.Enqueue(jobs, job.TenantId, job.Id);
        return (job, new ValidationErrors());
    }

    public async Task<ImportPreview> PreviewAsync(Guid importId, CancellationToken ct)
    {
        await using var stream = await files.OpenAsync(importId, seekable: true, ct);
        return ImportFileReader.ReadHeaderAndPreview(stream, maxRows: 5);
    }

    /// <summary>
    /// Confirms the wizard's mapping (file column per field, -1 = not imported) and queues the import. Not found: no
    /// draft import with this id; a refused mapping leaves the draft as it was.
    /// </summary>
    /// <param name="firstRowIsData">The file has no header row: line 1 is imported too, columns are known by position.</param>
    public async Task<(bool Found, ValidationErrors Errors)> StartAsync(Guid importId, IReadOnlyDictionary<string, int> mapping,
        string? sourceChannel, bool firstRowIsData, CancellationToken ct)
    {
        var job = await db.Set<ImportJob>().SingleOrDefaultAsync(i => i.Id == importId, ct);
        if (job is null || job.Status != ImportStatus.Draft) return (false, new ValidationErrors());
        var fileColumns = (await PreviewAsync(importId, ct)).Header.Fields.Length;
        var errors = new ImportMappingValidator(Handler(job.Kind)).Check(new ImportMapping(mapping, fileColumns));
        if (!errors.IsValid) return (true, errors);
        job.Mapping = mapping.Where(m => m.Value >= 0).ToDictionary(m => m.Key, m => m.Value);
        job.FirstRowIsData = firstRowIsData;
        job.LastLine = firstRowIsData ? 0 : 1; // the checkpoint: nothing of line 1 is done when it is data
        if (!string.IsNullOrWhiteSpace(sourceChannel) && ContactSources.All.Contains(sourceChannel)) job.SourceChannel = sourceChannel;
        job.Status = ImportStatus.Queued;
        job.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        ImportJobs.Enqueue(jobs, job.TenantId, job.Id);
        return (true, errors);
    }

    public Task<ImportJob?> FindAsync(Guid importId, CancellationToken ct) =>
        db.Set<ImportJob>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == importId, ct);

    public Task<List<ImportJob>> RecentAsync(int count, CancellationToken ct, string kind = ImportKinds.Contacts) =>
        db.Set<ImportJob>().AsNoTracking().Where(i => i.Status != ImportStatus.Draft && i.Kind == kind)
            .OrderByDescending(i => i.CreatedAt).Take(count).ToListAsync(ct);

    /// <summary>The <c>line,value,reason</c> report, streamed in line order.</summary>
    public async Task WriteRejectedCsvAsync(Guid importId, TextWriter output, CancellationToken ct)
    {
        var writer = new RejectedRowsCsvWriter(output);
        await writer.WriteHeaderAsync();
        await foreach (var r in db.Set<ImportRejection>().AsNoTracking().Where(r => r.ImportId == importId).OrderBy(r => r.Line)
                           .AsAsyncEnumerable().WithCancellation(ct))
            await writer.WriteAsync(new RejectedRow(r.Line, pii.Decrypt(r.ValueEnc, db.Tenant.RequireTenant(), ImportRun.RejectionContext) ?? "", r.Reason));
        await output.FlushAsync(ct);
    }

    /// <summary>
    /// The wizard's starting mapping: the columns the header names (none when the file has no header row), and when
    /// that finds no phone column, the column whose cells are phone numbers.
    /// </summary>
    public IReadOnlyDictionary<string, int> SuggestMapping(string kind, ImportPreview preview, bool firstRowIsData)
    {
        ArgumentNullException.ThrowIfNull(preview);
        var handler = Handler(kind);
        var found = firstRowIsData ? [] : handler.Detect(preview.Header.Fields).ToDictionary();
        const string phone = "phone";
        if (!found.ContainsKey(phone) && handler.Columns.Contains(phone))
        {
            var rows = (firstRowIsData ? preview.Rows.Prepend(preview.Header) : preview.Rows).Select(r => (IReadOnlyList<string>)r.Fields).ToList();
            var column = ContactImportColumns.PhoneColumnByContent(rows, found.Values.ToHashSet());
            if (column >= 0) found[phone] = column;
        }

        return found;
    }

    /// <summary>The most frequent rejection reasons of an import (stable English reasons; pages translate them).</summary>
    public async Task<IReadOnlyList<(string Reason, int Rows)>> RejectionSummaryAsync(Guid importId, int top, CancellationToken ct) =>
        (await db.Set<ImportRejection>().AsNoTracking().Where(r => r.ImportId == importId)
            .GroupBy(r => r.Reason).Select(g => new { Reason = g.Key, Rows = g.Count() })
            .OrderByDescending(g => g.Rows).ThenBy(g => g.Reason).Take(top).ToListAsync(ct))
        .Select(g => (g.Reason, g.Rows)).ToList();

    /// <summary>
    /// The rejected rows with the whole original row from the stored file (for people, who fix and upload them again),
    /// in line order, with the reason as <see cref="ImportReportRow.Extra"/>. The file and the rejections are read in
    /// step (pages of rejections, one pass over the file), so memory does not grow with the import. A row whose file
    /// is gone (deleted after an erasure) comes with no fields.
    /// </summary>
    public async IAsyncEnumerable<ImportReportRow> RejectedSourceRowsAsync(ImportJob job,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var reader = await OpenFileAsync(job, ct);
        using var rows = (reader?.ReadRows() ?? []).GetEnumerator();
        SourceRow? current = null;
        var last = 0;
        while (true)
        {
            var page = await db.Set<ImportRejection>().AsNoTracking().Where(r => r.ImportId == job.Id && r.Line > last)
                .OrderBy(r => r.Line).Take(ReportPage).Select(r => new { r.Line, r.Reason }).ToListAsync(ct);
            foreach (var r in page)
            {
                while ((current is null || current.Line < r.Line) && rows.MoveNext()) current = rows.Current;
                yield return new ImportReportRow(r.Line, current?.Line == r.Line ? current.Fields : [], [r.Reason]);
            }

            if (page.Count < ReportPage) yield break;
            last = page[^1].Line;
        }
    }

    /// <summary>The stored file of an import, read as the import reads it (header row or not); null when it is gone.</summary>
    public async Task<ImportFileReader?> OpenFileAsync(ImportJob job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var stream = await files.OpenAsync(job.Id, await files.IsWorkbookAsync(job.Id, ct), ct);
        try
        {
            return ImportFileReader.Open(stream, firstRowIsData: job.FirstRowIsData);
        }
        catch (ImportFormatException)
        {
            await stream.DisposeAsync();
            return null;
        }
    }

    /// <summary>What a kind of import reads: its columns, for the wizard.</summary>
    public IImportRowHandler Handler(string kind) => handlers.Single(h => h.Kind == kind);

    private async Task<string?> CheckReadableAsync(Guid importId, IImportRowHandler? handler, CancellationToken ct)
    {
        try
        {
            var preview = await PreviewAsync(importId, ct);
            return handler?.CheckHeader(preview.Header.Fields);
        }
        catch (ImportFormatException e)
        {
            return e.Message;
        }
    }
}
