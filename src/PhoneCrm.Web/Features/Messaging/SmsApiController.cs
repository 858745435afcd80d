using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Providers;
using PhoneCrm.Infrastructure.Messaging.Simulator;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>"SMS provider webhooks and the simulator" of api-v1.md: delivery receipts, inbound replies, the simulator's outbox.</summary>
[Route("api/v1/sms")]
[Tags("Sms")]
public sealed class SmsApiController(SmsStatusUpdater statuses, SmsProviderResolver providers, SimulatorOutbox outbox,
    InboundSmsService inbound, AuditLog audit, TimeProvider clock) : ApiV1Controller
{
    public sealed class InboundRequest
    {
        public string? From { get; set; }
        public string? To { get; set; }
        public string? Text { get; set; }
        public DateTimeOffset? ReceivedAt { get; set; }
        /// <summary>Extension: the provider's id of the inbound message; a retry with the same id is processed once.</summary>
        public string? ProviderMessageId { get; set; }
    }

    /// <param name="Kind"><c>stop</c>, <c>number_change</c> or <c>reply</c>.</param>
    /// <param name="Duplicate">True when this is a provider's retry of a message already received (same id, or same
    /// from/to/text/receivedAt): the first message is returned and nothing is done again.</param>
    public sealed record InboundResponse(Guid Id, string Kind, Guid? ContactId, bool Suppressed, Guid? ConfirmationMessageId, bool Duplicate);

    public sealed class StatusRequest
    {
        public string? ProviderMessageId { get; set; }
        public string? Status { get; set; }
        public string? ErrorCode { get; set; }
        public DateTimeOffset? At { get; set; }
    }

    public sealed record StatusResponse(string ProviderMessageId, string Status);

    public sealed record OutboxItem(Guid MessageId, string ProviderMessageId, string Phone, string Text, int Segments, DateTime SentAt,
        string Status, Guid? CampaignId, string? Kind);

    public sealed record OutboxResponse(IReadOnlyList<OutboxItem> Items, string? NextCursor);

    [HttpPost("status")]
    [RequirePermission(Permission.SmsWebhooks)]
    [RequestBodyLimit(16 * 1024)]
    [ProducesResponseType<StatusResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> StatusAsync([FromBody] StatusRequest? request, CancellationToken ct)
    {
        request ??= new StatusRequest();
        var errors = new ValidationErrors();
        var id = request.ProviderMessageId?.Trim();
        if (string.IsNullOrEmpty(id)) errors.Add("providerMessageId", "providerMessageId is required.");
        else if (id.Length > 100) errors.Add("providerMessageId", "providerMessageId is too long.");
        var status = request.Status?.Trim().ToLowerInvariant();
        if (status is null || !SmsStatus.Receipts.Contains(status))
            errors.Add("status", "Status must be one of: " + string.Join(", ", SmsStatus.Receipts) + ".");
        if (request.ErrorCode is { Length: > 32 }) errors.Add("errorCode", "errorCode is too long (32 characters at most).");
        if (!errors.IsValid) return ValidationProblemJson(errors);

        var at = request.At ?? clock.GetUtcNow();
        if (!await statuses.ApplyAsync(new SmsReceipt(id!, status!, request.ErrorCode, at), ct)) return NotFoundProblem("Message");
        return Ok(new StatusResponse(id!, status!));
    }

    /// <summary>A reply from a phone: STOP words opt out at once, «НОВЫЙ» starts a number change, the rest go to the inbox.</summary>
    [HttpPost("inbound")]
    [RequirePermission(Permission.SmsWebhooks)]
    [RequestBodyLimit(16 * 1024)]
    [ProducesResponseType<InboundResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> InboundAsync([FromBody] InboundRequest? request, CancellationToken ct)
    {
        request ??= new InboundRequest();
        var result = await inbound.ReceiveAsync(
            new InboundInput(request.From, request.To, request.Text, request.ReceivedAt, request.ProviderMessageId), ct);
        if (!result.IsValid) return ValidationProblemJson(result.Errors);
        var m = result.Message!;
        await audit.WriteAsync(result.Duplicate ? AuditActions.Read : AuditActions.Create, "sms_inbound", m.Id.ToString(),
            $"api; kind={m.Kind}; contact={m.ContactId}{(result.Duplicate ? "; duplicate webhook, not processed again" : "")}", ct);
        return Ok(new InboundResponse(m.Id, m.Kind, m.ContactId, m.Kind == InboundKinds.Stop && m.FromIndex is not null,
            result.ConfirmationId, result.Duplicate));
    }

    /// <summary>api-v1 "Analytics": marks a reply as a complaint (a provider's complaint, or staff through an integration);
    /// it counts in the complaint rate of the marketing message it answers. Repeating it changes nothing.</summary>
    [HttpPost("inbound/{id:guid}/complaint")]
    [RequirePermission(Permission.SmsWebhooks)]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> ComplaintAsync(Guid id, CancellationToken ct)
    {
        if (!await inbound.MarkComplaintAsync(id, null, ct)) return NotFoundProblem("Inbound message");
        await audit.WriteAsync(AuditActions.Update, "sms_inbound", id.ToString(), "api; complaint", ct);
        return Ok(new { id, complaint = true });
    }

    /// <summary>What the simulator accepted for this tenant; 404 unless the tenant sends through the simulator.</summary>
    [HttpGet("outbox")]
    [RequirePermission(Permission.SmsWebhooks)]
    [ProducesResponseType<OutboxResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> OutboxAsync([FromQuery] Guid? campaignId, [FromQuery] string? phone, [FromQuery] string? cursor,
        [FromQuery] int? limit, CancellationToken ct)
    {
        if (!await providers.IsSimulatorAsync(ct)) return NotFoundProblem("The simulator outbox (Sms:Provider is not Simulator)");
        var page = await outbox.ListAsync(campaignId, phone, cursor, limit ?? 1000, ct);
        await audit.WriteAsync(AuditActions.Read, "sms_simulator_message", null,
            $"api outbox; campaign={campaignId}; byPhone={!string.IsNullOrWhiteSpace(phone)}; count={page.Items.Count}", ct);
        return Ok(new OutboxResponse(page.Items.Select(i => new OutboxItem(i.MessageId, i.ProviderMessageId, i.Phone, i.Text, i.Segments,
            i.SentAt.UtcDateTime, i.Status, i.CampaignId, i.Kind)).ToList(), page.NextCursor));
    }
}
