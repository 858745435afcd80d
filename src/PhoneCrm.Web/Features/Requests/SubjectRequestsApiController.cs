using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>api-v1 "Data-subject requests" (scope <c>requests</c>): intake, the queue, one request, and its lifecycle moves.</summary>
[Route("api/v1/subject-requests")]
[Tags("Subject requests")]
public sealed class SubjectRequestsApiController(SubjectRequests requests) : ApiV1Controller
{
    [HttpPost("")]
    [RequirePermission(Permission.RequestsManage)]
    [RequestBodyLimit(64 * 1024)]
    [ProducesResponseType<CreatedRequestDto>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> CreateAsync([FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] SubjectRequestInput? input, CancellationToken ct)
    {
        var result = await requests.CreateAsync(input, ct);
        if (result.Request is not { } r) return ValidationProblemJson(result.Errors);
        return Created($"/api/v1/subject-requests/{r.Id}", new CreatedRequestDto(r.Id, r.Number, r.Type, r.Status, r.DueAt));
    }

    [HttpGet("")]
    [RequirePermission(Permission.RequestsView)]
    [ProducesResponseType<SubjectRequestPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> ListAsync([FromQuery] SubjectRequestFilter filter, CancellationToken ct)
    {
        var (page, errors) = await requests.ListAsync(filter, ct);
        return page is null ? ValidationProblemJson(errors) : Ok(page);
    }

    [HttpGet("{id:guid}")]
    [RequirePermission(Permission.RequestsView)]
    [ProducesResponseType<SubjectRequestDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetAsync(Guid id, CancellationToken ct) =>
        await requests.GetAsync(id, ct) is { } request ? Ok(request) : NotFoundProblem("Subject request");

    [HttpPost("{id:guid}/verify")]
    [RequirePermission(Permission.RequestsManage)]
    [RequestBodyLimit(64 * 1024)]
    [ProducesResponseType<SubjectRequestDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> VerifyAsync(Guid id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] VerifyInput? input, CancellationToken ct) =>
        await AnswerAsync(id, await requests.VerifyAsync(id, input, ct), ct);

    [HttpPost("{id:guid}/execute")]
    [RequirePermission(Permission.RequestsManage)]
    [RequestBodyLimit(64 * 1024)]
    [ProducesResponseType<SubjectRequestDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> ExecuteAsync(Guid id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ReasonInput? input, CancellationToken ct) =>
        await AnswerAsync(id, await requests.ExecuteAsync(id, input, ct), ct);

    [HttpPost("{id:guid}/reject")]
    [RequirePermission(Permission.RequestsManage)]
    [RequestBodyLimit(64 * 1024)]
    [ProducesResponseType<SubjectRequestDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> RejectAsync(Guid id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ReasonInput? input, CancellationToken ct) =>
        await AnswerAsync(id, await requests.RejectAsync(id, input, ct), ct);

    /// <summary>Extension: an access request's deadline moved once by 5 working days, <c>{"reason"}</c> told to the person.</summary>
    [HttpPost("{id:guid}/extend")]
    [RequirePermission(Permission.RequestsManage)]
    [RequestBodyLimit(64 * 1024)]
    [ProducesResponseType<SubjectRequestDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> ExtendAsync(Guid id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ReasonInput? input, CancellationToken ct) =>
        await AnswerAsync(id, await requests.ExtendAsync(id, input, ct), ct);

    private async Task<IActionResult> AnswerAsync(Guid id, RequestResult result, CancellationToken ct)
    {
        if (result.NotFound) return NotFoundProblem("Subject request");
        if (!result.Errors.IsValid) return ValidationProblemJson(result.Errors);
        if (result.Conflict is { } conflict)
            return ProblemJson(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = conflict.Message });
        return Ok(await requests.GetAsync(id, ct));
    }
}
