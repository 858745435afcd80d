using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Analytics;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Infrastructure.Tenancy;
using PhoneCrm.Web.Features.Contacts;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>Campaigns of api-v1.md, plus pause/resume/cancel and test sends (extensions).</summary>
[Route("api/v1/campaigns")]
[Tags("Campaigns")]
public sealed class CampaignsApiController(
    CampaignService campaigns, CampaignReports reports, CampaignTestSender tests, TenantContext tenant, AuditLog audit) : ApiV1Controller
{
    public sealed record CreatedResponse(Guid Id, string Status, int SegmentsPerMessage);

    public sealed record AbDto(string VariantB, int TestPercent, int DecideAfterMinutes, DateTime? DecideAt, string? Winner);

    public sealed record CampaignResponse(Guid Id, string Name, Guid SegmentId, string Purpose, string Category, string Text,
        int SegmentsPerMessage, string Status, DateTime? SendAt, int? ThrottlePerMinute, AbDto? AbTest, DateTime CreatedAt,
        DateTime? StartedAt, DateTime? CompletedAt, AnalyticsStats Stats, IReadOnlyList<string> Flags);

    public sealed record RecipientDto(Guid ContactId, string Phone, string Outcome, string? Reason, Guid? MessageId, string? Variant,
        DateTime? DeferredUntil);

    public sealed record RecipientList(IReadOnlyList<RecipientDto> Items, string? NextCursor);

    public sealed class TestRequest
    {
        public List<string>? Phones { get; set; }
    }

    [HttpPost("")]
    [RequirePermission(Permission.CampaignsWrite)]
    [RequestBodyLimit(64 * 1024)]
    [ProducesResponseType<CreatedResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> CreateAsync([FromBody] CampaignInput? request, CancellationToken ct)
    {
        var (campaign, errors) = await campaigns.CreateAsync(request, tenant.UserId, ct);
        if (campaign is null) return ValidationProblemJson(errors);
        await audit.WriteAsync(AuditActions.Create, "campaign", campaign.Id.ToString(), "api", ct);
        return Created($"/api/v1/campaigns/{campaign.Id}", new CreatedResponse(campaign.Id, campaign.Status, campaign.SegmentsPerMessage));
    }

    [HttpGet("{id:guid}")]
    [RequirePermission(Permission.CampaignsRead)]
    [ProducesResponseType<CampaignResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetAsync(Guid id, CancellationToken ct)
    {
        var c = await campaigns.GetAsync(id, ct);
        if (c is null) return NotFoundProblem("Campaign");
        return Ok(await ResponseAsync(reports, c, ct));
    }

    public static async Task<CampaignResponse> ResponseAsync(CampaignReports reports, Campaign c, CancellationToken ct)
    {
        var stats = AnalyticsStats.From(await reports.StatsAsync(c, ct));
        return new CampaignResponse(c.Id, c.Name, c.SegmentId, c.Purpose, c.Category, c.Text, c.SegmentsPerMessage, c.Status,
            c.SendAt?.UtcDateTime, c.ThrottlePerMinute,
            c.IsAbTest ? new AbDto(c.VariantB!, c.TestPercent!.Value, c.DecideAfterMinutes ?? 0, c.DecideAt?.UtcDateTime, c.Winner) : null,
            c.CreatedAt.UtcDateTime, c.StartedAt?.UtcDateTime, c.CompletedAt?.UtcDateTime,
            stats, stats.Flags);
    }

    [HttpPost("{id:guid}/start")]
    [RequirePermission(Permission.CampaignsWrite)]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public Task<IActionResult> StartAsync(Guid id, CancellationToken ct) => CommandAsync(id, "start", campaigns.StartAsync, ct);

    [HttpPost("{id:guid}/pause")]
    [RequirePermission(Permission.CampaignsWrite)]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public Task<IActionResult> PauseAsync(Guid id, CancellationToken ct) => CommandAsync(id, "pause", campaigns.PauseAsync, ct);

    [HttpPost("{id:guid}/resume")]
    [RequirePermission(Permission.CampaignsWrite)]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public Task<IActionResult> ResumeAsync(Guid id, CancellationToken ct) => CommandAsync(id, "resume", campaigns.ResumeAsync, ct);

    [HttpPost("{id:guid}/cancel")]
    [RequirePermission(Permission.CampaignsWrite)]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public Task<IActionResult> CancelAsync(Guid id, CancellationToken ct) => CommandAsync(id, "cancel", campaigns.CancelAsync, ct);

    private async Task<IActionResult> CommandAsync(Guid id, string what, Func<Guid, CancellationToken, Task<CampaignCommandResult>> command, CancellationToken ct)
    {
        var result = await command(id, ct);
        if (result == CampaignCommandResult.NotFound) return NotFoundProblem("Campaign");
        if (result == CampaignCommandResult.Conflict)
            return ProblemJson(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = $"The campaign cannot {what} in its current status." });
        await audit.WriteAsync(AuditActions.Update, "campaign", id.ToString(), what, ct);
        return Accepted();
    }

    /// <summary>Extension: sends the campaign text to 1–5 team numbers through the policy (kind test).</summary>
    [HttpPost("{id:guid}/test")]
    [RequirePermission(Permission.CampaignsWrite)]
    [ProducesResponseType<IReadOnlyList<TestSendResult>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> TestAsync(Guid id, [FromBody] TestRequest? request, CancellationToken ct)
    {
        var c = await campaigns.GetAsync(id, ct);
        if (c is null) return NotFoundProblem("Campaign");
        var (results, errors) = await tests.SendAsync(c, request?.Phones ?? [], ct);
        if (!errors.IsValid) return ValidationProblemJson(errors);
        await audit.WriteAsync(AuditActions.Create, "campaign_test", id.ToString(), "api", ct);
        return Ok(new { items = results });
    }

    [HttpGet("{id:guid}/recipients")]
    [RequirePermission(Permission.CampaignsRead)]
    [ProducesResponseType<RecipientList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> RecipientsAsync(Guid id, [FromQuery] string? outcome, [FromQuery] string? cursor, [FromQuery] int? limit,
        CancellationToken ct)
    {
        if (outcome is not (null or RecipientOutcome.Sent or RecipientOutcome.Skipped or RecipientOutcome.Deferred or RecipientOutcome.Pending
            or RecipientOutcome.Held or RecipientOutcome.Cancelled))
            return ValidationProblemJson("outcome", "sent, skipped or deferred.");
        Guid? after = null;
        if (cursor is not null)
        {
            if (!Guid.TryParse(cursor, out var a)) return ValidationProblemJson("cursor", "Invalid cursor.");
            after = a;
        }

        if (await campaigns.GetAsync(id, ct) is null) return NotFoundProblem("Campaign");
        var take = Math.Clamp(limit ?? 1000, 1, 5000);
        var rows = await reports.RecipientsAsync(id, outcome, after, take, ContactAccess.PersonalForAll(User), ct);
        var items = rows.Select(r => new RecipientDto(r.ContactId, r.Phone, r.Outcome, r.Reason, r.MessageId, r.Variant, r.DeferredUntil?.UtcDateTime))
            .ToList();
        if (items.Count > 0) await audit.WriteAsync(AuditActions.Read, "campaign_recipients", id.ToString(), $"{items.Count} phones", ct);
        return Ok(new RecipientList(items, rows.Count == take ? rows[^1].ContactId.ToString() : null));
    }
}
