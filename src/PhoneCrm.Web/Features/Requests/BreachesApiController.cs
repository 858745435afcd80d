using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The breach register over the API (scope <c>requests</c>): list with the clocks, record, read, mark a notice sent.</summary>
[Route("api/v1/breaches")]
[Tags("Breaches")]
public sealed class BreachesApiController(BreachRegister register, TimeProvider clock) : ApiV1Controller
{
    public sealed record ClockDto(string Notice, DateTimeOffset DueAt, DateTimeOffset? SentAt, string State, double HoursLeft);

    public sealed record BreachDto(Guid Id, string Number, string Description, DateTimeOffset DetectedAt, DateTimeOffset? OccurredAt,
        IReadOnlyList<string> Categories, int SubjectsAffected, string? PresumedCause, string? Harm, string Measures, string ContactPerson,
        string? InvestigationResults, string? Culprits, string RecordedBy, DateTimeOffset RecordedAt, bool Open, IReadOnlyList<ClockDto> Clocks);

    public sealed record BreachPage(IReadOnlyList<BreachDto> Items);

    public sealed record SentInput(DateTimeOffset? SentAt);

    [HttpGet("")]
    [RequirePermission(Permission.BreachesManage)]
    [ProducesResponseType<BreachPage>(StatusCodes.Status200OK)]
    public async Task<IActionResult> ListAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return Ok(new BreachPage([.. (await register.ListAsync(ct)).Select(i => Dto(i, now))]));
    }

    [HttpPost("")]
    [RequirePermission(Permission.BreachesManage)]
    [RequestBodyLimit(64 * 1024)]
    [ProducesResponseType<BreachDto>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> CreateAsync([FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] BreachInput? input, CancellationToken ct)
    {
        var (saved, errors) = await register.SaveAsync(null, input ?? new BreachInput(), "api", ct);
        return saved is null ? ValidationProblemJson(errors) : Created($"/api/v1/breaches/{saved.Id}", Dto(saved, clock.GetUtcNow()));
    }

    [HttpGet("{id:guid}")]
    [RequirePermission(Permission.BreachesManage)]
    [ProducesResponseType<BreachDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetAsync(Guid id, CancellationToken ct) =>
        await register.GetAsync(id, ct) is { } i ? Ok(Dto(i, clock.GetUtcNow())) : NotFoundProblem("Incident");

    /// <summary>Marks the <c>initial</c> (24 h) or <c>results</c> (72 h) notice sent, at <c>sentAt</c> or now.</summary>
    [HttpPost("{id:guid}/notices/{notice}")]
    [RequirePermission(Permission.BreachesManage)]
    [ProducesResponseType<BreachDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> MarkSentAsync(Guid id, string notice, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] SentInput? input,
        CancellationToken ct)
    {
        if (BreachClocks.ParseNotice(notice) is not { } which) return NotFoundProblem("Notice");
        var (saved, errors) = await register.MarkSentAsync(id, which, input?.SentAt, "api", ct);
        if (errors.Has("id")) return NotFoundProblem("Incident");
        return saved is null ? ValidationProblemJson(errors) : Ok(Dto(saved, clock.GetUtcNow()));
    }

    private static BreachDto Dto(BreachIncident i, DateTimeOffset now) => new(i.Id, i.Number, i.Description, i.DetectedAt, i.OccurredAt, i.Categories,
        i.SubjectsAffected, i.PresumedCause, i.Harm, i.Measures, i.ContactPerson, i.InvestigationResults, i.Culprits, i.RecordedBy, i.RecordedAt, i.IsOpen,
        [.. i.Clocks(now).Select(c => new ClockDto(BreachClocks.Code(c.Notice), c.DueAt, c.SentAt, StateCode(c.State), Math.Round(c.Left.TotalHours, 2)))]);

    private static string StateCode(BreachClockState state) => state switch
    {
        BreachClockState.DueSoon => "due_soon",
        BreachClockState.SentOnTime => "sent_on_time",
        BreachClockState.SentLate => "sent_late",
        _ => state.ToString().ToLowerInvariant(),
    };
}
