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

    /// <summary>Stores the upload and checks it can be read and has a phone column; errors keyed <c>sourceChannel</c> or <c>file</c>.</summary>
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

        var error = await CheckReadableAsync(job.Id, Handler(kind), ct);
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
    public async Task<(bool Found, ValidationErrors Errors)> StartAsync(Guid importId, IReadOnlyDictionary<string, int> mapping,
        string? sourceChannel, CancellationToken ct)
    {
        var job = await db.Set<ImportJob>().SingleOrDefaultAsync(i => i.Id == importId, ct);
        if (job is null || job.Status != ImportStatus.Draft) return (false, new ValidationErrors());
        var fileColumns = (await PreviewAsync(importId, ct)).Header.Fields.Length;
        var errors = new ImportMappingValidator(Handler(job.Kind)).Check(new ImportMapping(mapping, fileColumns));
        if (!errors.IsValid) return (true, errors);
        job.Mapping = mapping.Where(m => m.Value >= 0).ToDictionary(m => m.Key, m => m.Value);
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
            await writer.WriteAsync(new RejectedRow(r.Line, pii.Decrypt(r.ValueEnc, ImportRun.RejectionContext) ?? "", r.Reason));
        await output.FlushAsync(ct);
    }

    /// <summary>What a kind of import reads: its columns, for the wizard.</summary>
    public IImportRowHandler Handler(string kind) => handlers.Single(h => h.Kind == kind);

    private async Task<string?> CheckReadableAsync(Guid importId, IImportRowHandler handler, CancellationToken ct)
    {
        try
        {
            return handler.CheckHeader((await PreviewAsync(importId, ct)).Header.Fields);
        }
        catch (ImportFormatException e)
        {
            return e.Message;
        }
    }
}
