using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audiences;
using PhoneCrm.Infrastructure.Audiences;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Audiences;

/// <summary>api-v1 "Ad audiences": ask for an export of a segment, follow it, download the file of hashes.</summary>
[Route("api/v1/audiences/exports")]
[Tags("Ad audiences")]
public sealed class AudiencesApiController(AudienceExports exports) : ApiV1Controller
{
    public sealed class ExportRequest
    {
        public Guid? SegmentId { get; set; }
        /// <summary><c>meta</c>, <c>yandex</c> or <c>vk</c>.</summary>
        public string? Format { get; set; }
    }

    public sealed record ExportCreated(Guid Id);

    public sealed record ExportStatus(Guid Id, string Status, long? Count, string Format, Guid SegmentId, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt);

    [HttpPost("")]
    [RequirePermission(Permission.AudiencesExport)]
    [RequestBodyLimit(16 * 1024)]
    [ProducesResponseType<ExportCreated>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> CreateAsync([FromBody] ExportRequest? request, CancellationToken ct)
    {
        var result = await exports.RequestAsync(request?.SegmentId, request?.Format, ct);
        return result.Export is { } e ? Accepted($"/api/v1/audiences/exports/{e.Id}", new ExportCreated(e.Id)) : ValidationProblemJson(result.Errors);
    }

    [HttpGet("{id:guid}")]
    [RequirePermission(Permission.AudiencesExport)]
    [ProducesResponseType<ExportStatus>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetAsync(Guid id, CancellationToken ct) =>
        await exports.GetAsync(id, ct) is { } e
            ? Ok(new ExportStatus(e.Id, e.Status, e.Count, e.Format, e.SegmentId, e.CreatedAt, e.CompletedAt))
            : NotFoundProblem("Export");

    /// <summary>The file, generated now from the recorded membership; 409 until the export has completed.</summary>
    [HttpGet("{id:guid}/file")]
    [RequirePermission(Permission.AudiencesExport)]
    [Produces("text/csv", "text/plain", "application/problem+json")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> FileAsync(Guid id, CancellationToken ct)
    {
        var export = await exports.GetAsync(id, ct);
        if (export is null) return NotFoundProblem("Export");
        if (export.Status != AudienceExportStatuses.Completed)
            return ProblemJson(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Not ready", Detail = $"The export is {export.Status}." });
        await AudienceFileDownload.SendAsync(Response, export, exports, ct);
        return new EmptyResult();
    }
}

/// <summary>The one way the file goes to a browser or an API client: content type and name by format, body streamed.</summary>
public static class AudienceFileDownload
{
    public static async Task SendAsync(HttpResponse response, AudienceExport export, AudienceExports exports, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(exports);
        response.ContentType = export.Format == AudienceFormats.Vk ? "text/plain; charset=utf-8" : "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{AudienceFormats.FileName(export.Format, export.Id)}\"";
        await exports.WriteFileAsync(export.Id, response.Body, ct);
    }
}
