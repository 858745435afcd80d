using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Segments;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Segments;

/// <summary>Segments of api-v1.md: save a rule, count a rule, count a saved segment.</summary>
[Route("api/v1/segments")]
[Tags("Segments")]
public sealed class SegmentsApiController(SegmentService segments, AuditLog audit) : ApiV1Controller
{
    public sealed class SegmentRequest
    {
        public string? Name { get; set; }
        public JsonElement? Rule { get; set; }
        /// <summary>Extension: saved segments whose members are left out of this one.</summary>
        public List<Guid>? ExcludeSegmentIds { get; set; }
    }

    public sealed class CountRequest
    {
        public JsonElement? Rule { get; set; }
        /// <summary>Extension: saved segments whose members are not counted.</summary>
        public List<Guid>? ExcludeSegmentIds { get; set; }
    }

    public sealed record SegmentResponse(Guid Id, string Name, JsonElement Rule, IReadOnlyList<Guid> ExcludeSegmentIds);

    public sealed record CountResponse(long Count);

    [HttpPost("")]
    [RequirePermission(Permission.SegmentsWrite)]
    [RequestBodyLimit(256 * 1024)]
    [ProducesResponseType<SegmentResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> CreateAsync([FromBody] SegmentRequest? request, CancellationToken ct)
    {
        var result = await segments.SaveAsync(null, request?.Name, request?.Rule, request?.ExcludeSegmentIds, ct);
        if (!result.IsValid) return ValidationProblemJson(result.Errors);
        var s = result.Segment!;
        await audit.WriteAsync(AuditActions.Create, "segment", s.Id.ToString(), "api", ct);
        using var rule = JsonDocument.Parse(s.Rule);
        return Created($"/api/v1/segments/{s.Id}", new SegmentResponse(s.Id, s.Name, rule.RootElement.Clone(), s.ExcludeSegmentIds));
    }

    [HttpPost("count")]
    [RequirePermission(Permission.SegmentsRead)]
    [RequestBodyLimit(256 * 1024)]
    [ProducesResponseType<CountResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> CountAsync([FromBody] CountRequest? request, CancellationToken ct)
    {
        var result = await segments.CountAsync(request?.Rule, request?.ExcludeSegmentIds, ct);
        return result.IsValid ? Ok(new CountResponse(result.Count)) : ValidationProblemJson(result.Errors);
    }

    [HttpGet("{id:guid}/count")]
    [RequirePermission(Permission.SegmentsRead)]
    [ProducesResponseType<CountResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> CountByIdAsync(Guid id, CancellationToken ct)
    {
        var count = await segments.CountByIdAsync(id, ct);
        return count is { } n ? Ok(new CountResponse(n)) : NotFoundProblem("Segment");
    }
}
