using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Imports;

/// <summary>Contact imports over the API: upload a CSV, poll its counts, fetch the rejected rows.</summary>
[Tags("Imports")]
public sealed class ImportsApiController(ImportService imports, AuditLog audit) : ApiV1Controller
{
    public sealed record ImportAccepted(Guid Id);

    /// <param name="OtherPhones">Beyond api-v1.md (an addition): imported rows that had more numbers than the contact's
    /// one (a mobile preferred); the others are kept on the contact.</param>
    public sealed record ImportStatusResponse(Guid Id, string Status, int TotalRows, int ProcessedRows, int Created, int Updated,
        int Duplicates, int Rejected, string? Error, int OtherPhones);

    [HttpPost("imports")]
    [RequirePermission(Permission.ContactsImport)]
    [RequestSizeLimit(ImportService.MaxFileBytes)]
    [RequestFormLimits(MultipartBodyLengthLimit = ImportService.MaxFileBytes)]
    [ProducesResponseType<ImportAccepted>(StatusCodes.Status202Accepted)]
    public async Task<IActionResult> CreateAsync(IFormFile? file, [FromForm] string? sourceChannel, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
            return ValidationProblemJson("file", "Attach a CSV file in the multipart field 'file'.");
        await using var content = file.OpenReadStream();
        var (job, errors) = await imports.UploadAsync(file.FileName, content, sourceChannel, null, null, startNow: true, ct);
        if (job is null) return ValidationProblemJson(errors);

        await audit.WriteAsync(AuditActions.Create, "import", job.Id.ToString(), $"bytes={job.SizeBytes}", ct);
        return Accepted($"/api/v1/imports/{job.Id}", new ImportAccepted(job.Id));
    }

    [HttpGet("imports/{id:guid}")]
    [RequirePermission(Permission.ContactsImport)]
    [ProducesResponseType<ImportStatusResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> GetAsync(Guid id, CancellationToken ct)
    {
        var job = await imports.FindAsync(id, ct);
        if (job is null) return NotFoundProblem("Import");
        return Ok(new ImportStatusResponse(job.Id, WireStatus(job.Status), job.TotalRows, job.ProcessedRows, job.Created, job.Updated,
            job.Duplicates, job.Rejected, job.Error, job.OtherPhones));
    }

    [HttpGet("imports/{id:guid}/rejected")]
    [RequirePermission(Permission.ContactsImport)]
    [Produces("text/csv")]
    public async Task<IActionResult> RejectedAsync(Guid id, CancellationToken ct)
    {
        var job = await imports.FindAsync(id, ct);
        if (job is null) return NotFoundProblem("Import");
        return await RejectedRowsDownload.SendAsync(Response, imports, audit, job, ct);
    }

    /// <summary>api-v1.md statuses; a wizard draft has not started yet, so it reads as queued.</summary>
    public static string WireStatus(ImportStatus status) => status switch
    {
        ImportStatus.Draft or ImportStatus.Queued => "queued",
        ImportStatus.Running => "running",
        ImportStatus.Completed => "completed",
        _ => "failed",
    };
}
