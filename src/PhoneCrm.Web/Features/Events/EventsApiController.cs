using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Events;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Events;

/// <summary>Events of api-v1.md: idempotent on <c>externalId</c> (same body → 200 with the first id, other body → 409).</summary>
[Route("api/v1/events")]
[Tags("Events")]
public sealed class EventsApiController(EventService events, AuditLog audit) : ApiV1Controller
{
    public sealed class EventRequest
    {
        public string? Type { get; set; }
        public string? ExternalId { get; set; }
        public string? Phone { get; set; }
        public DateTimeOffset? OccurredAt { get; set; }
        public JsonObject? Data { get; set; }
    }

    public sealed record EventCreated(Guid Id);

    [HttpPost("")]
    [RequirePermission(Permission.EventsWrite)]
    [RequestBodyLimit(256 * 1024)]
    [ProducesResponseType<EventCreated>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<EventCreated>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public async Task<IActionResult> RecordAsync([FromBody] EventRequest? request, CancellationToken ct)
    {
        request ??= new EventRequest();
        var result = await events.RecordAsync(new EventInput
        {
            Type = request.Type,
            ExternalId = request.ExternalId,
            Phone = request.Phone,
            OccurredAt = request.OccurredAt,
            Data = request.Data,
        }, ct);
        switch (result.Outcome)
        {
            case EventOutcome.Invalid:
                return ValidationProblemJson(result.Errors);
            case EventOutcome.Conflict:
                return ProblemJson(new ProblemDetails
                {
                    Status = StatusCodes.Status409Conflict,
                    Title = "Conflict",
                    Detail = "An event with this externalId was already recorded with a different body.",
                });
            case EventOutcome.Duplicate:
                return Ok(new EventCreated(result.Id!.Value));
            default:
                await audit.WriteAsync(AuditActions.Create, "contact_event", result.Id.ToString(),
                    $"api; type={request.Type}; contact={result.ContactId}", ct);
                return StatusCode(StatusCodes.Status202Accepted, new EventCreated(result.Id!.Value));
        }
    }
}
