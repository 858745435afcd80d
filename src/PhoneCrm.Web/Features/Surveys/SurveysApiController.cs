using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Surveys;
using PhoneCrm.Infrastructure.Surveys;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Surveys;

/// <summary>api-v1 "Surveys": create with a script, start (the call queue), record a call, read the report.</summary>
[Route("api/v1/surveys")]
[Tags("Surveys")]
public sealed class SurveysApiController(SurveyService surveys, SurveyReports reports) : ApiV1Controller
{
    public sealed record SurveyCreated(Guid Id);

    public sealed record ResponseCreated(Guid Id, Guid? QualityItemId);

    public sealed record SurveyReportDto(int Responses, int? Nps, int Promoters, int Passives, int Detractors,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByStep, int Calls, double? ResponseRate,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByTopic);

    [HttpPost("")]
    [RequirePermission(Permission.SurveysManage)]
    [RequestBodyLimit(256 * 1024)]
    [ProducesResponseType<SurveyCreated>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> CreateAsync([FromBody] SurveyInput? request, CancellationToken ct)
    {
        var result = await surveys.CreateAsync(request ?? new SurveyInput(), ct);
        return result.Survey is { } s ? Created($"/api/v1/surveys/{s.Id}", new SurveyCreated(s.Id)) : ValidationProblemJson(result.Errors);
    }

    [HttpPost("{id:guid}/start")]
    [RequirePermission(Permission.SurveysManage)]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> StartAsync(Guid id, CancellationToken ct) =>
        await surveys.StartAsync(id, ct) == StartOutcome.NotFound ? NotFoundProblem("Survey") : Accepted();

    [HttpPost("{id:guid}/responses")]
    [RequirePermission(Permission.SurveysCall)]
    [RequestBodyLimit(64 * 1024)]
    [ProducesResponseType<ResponseCreated>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> RespondAsync(Guid id, [FromBody] ResponseInput? request, CancellationToken ct)
    {
        var result = await surveys.RecordAsync(id, request ?? new ResponseInput(), ContactAccess.ScopeFor(User), ct);
        if (result is null) return NotFoundProblem("Survey");
        return result.Response is { } r
            ? Created($"/api/v1/surveys/{id}/responses/{r.Id}", new ResponseCreated(r.Id, result.Quality?.Id))
            : ValidationProblemJson(result.Errors);
    }

    [HttpGet("{id:guid}/report")]
    [RequirePermission(Permission.SurveysRead)]
    [ProducesResponseType<SurveyReportDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> ReportAsync(Guid id, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
        await reports.ReportAsync(id, from, to, ContactAccess.ScopeFor(User), ct) is { } f
            ? Ok(new SurveyReportDto(f.Responses, f.Nps, f.Promoters, f.Passives, f.Detractors, f.ByStep, f.Calls, f.ResponseRate, f.ByTopic))
            : NotFoundProblem("Survey");
}
