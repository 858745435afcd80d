using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Domain.Surveys;
using PhoneCrm.Infrastructure.Export;
using PhoneCrm.Infrastructure.Surveys;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;

namespace PhoneCrm.Web.Features.Surveys;

/// <summary>Surveys: the list, the script builder, a survey's page (start, queue), its weekly report with chart and CSV, and the quality queue.</summary>
[Route("surveys")]
public sealed class SurveysController(SurveyService surveys, SurveyReports reports, IStringLocalizer<SharedResource> t) : UiController
{
    public const int ReportWeeks = 8;

    public sealed record BuilderModel(SurveyBuilderForm Form, IReadOnlyList<Segment> Segments);

    public sealed record DetailModel(Survey Survey, SurveyScript Script, IReadOnlyList<SurveyCall> Queue);

    public sealed record ReportModel(Survey Survey, SurveyScript Script, IReadOnlyList<WeeklyFigures> Weeks, SurveyFigures Total);

    public sealed record QualityModel(IReadOnlyList<(QualityItem Item, string Survey, int? Nps)> Open, IReadOnlyList<(QualityItem Item, string Survey, int? Nps)> Resolved);

    [HttpGet(""), RequirePermission(Permission.SurveysRead)]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await surveys.ListAsync(ct));

    [HttpGet("new"), RequirePermission(Permission.SurveysManage)]
    public async Task<IActionResult> New(CancellationToken ct) => View(new BuilderModel(SurveyBuilderForm.Empty(), await surveys.SegmentsAsync(ct)));

    [HttpPost("new"), RequirePermission(Permission.SurveysManage)]
    public async Task<IActionResult> Create([FromForm] SurveyBuilderForm form, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(form);
        var result = await surveys.CreateAsync(form.ToInput(), ct);
        if (result.Survey is { } s) return Redirect($"/surveys/{s.Id}");
        ViewData["Errors"] = t.OneLine(result.Errors);
        while (form.Extra.Count < SurveyBuilderForm.ExtraQuestions) form.Extra.Add(new SurveyBuilderForm.ExtraQuestion());
        return View("New", new BuilderModel(form, await surveys.SegmentsAsync(ct)));
    }

    [HttpGet("{id:guid}"), RequirePermission(Permission.SurveysRead)]
    public async Task<IActionResult> Detail(Guid id, CancellationToken ct)
    {
        var survey = await surveys.GetAsync(id, ct);
        if (survey is null) return NotFound();
        return View(new DetailModel(survey, SurveyScript.FromJson(survey.Script), await surveys.QueueAsync(id, ContactAccess.ScopeFor(User), ct)));
    }

    [HttpPost("{id:guid}/start"), RequirePermission(Permission.SurveysManage)]
    public async Task<IActionResult> Start(Guid id, CancellationToken ct)
    {
        if (await surveys.StartAsync(id, ct) == StartOutcome.NotFound) return NotFound();
        Flash(t["The call queue is built: operators can take calls."]);
        return Redirect($"/surveys/{id}");
    }

    [HttpGet("{id:guid}/report"), RequirePermission(Permission.SurveysRead)]
    public async Task<IActionResult> Report(Guid id, CancellationToken ct)
    {
        var survey = await surveys.GetAsync(id, ct);
        if (survey is null) return NotFound();
        var scope = ContactAccess.ScopeFor(User);
        var weeks = await reports.WeeklyAsync(id, ReportWeeks, scope, ct);
        var total = await reports.ReportAsync(id, null, null, scope, ct);
        return View(new ReportModel(survey, SurveyScript.FromJson(survey.Script), weeks, total!));
    }

    [HttpGet("{id:guid}/report.csv"), RequirePermission(Permission.SurveysRead)]
    public async Task<IActionResult> ReportCsv(Guid id, string? csv, CancellationToken ct)
    {
        if (await surveys.GetAsync(id, ct) is null) return NotFound();
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"survey-{id:N}-weekly.csv\"";
        await reports.WriteWeeklyCsvAsync(id, ReportWeeks, ContactAccess.ScopeFor(User), Response.Body, CsvDialect.Choose(csv, CultureInfo.CurrentUICulture), ct);
        return new EmptyResult();
    }

    [HttpGet("quality"), RequirePermission(Permission.SurveysManage)]
    public async Task<IActionResult> Quality(CancellationToken ct) =>
        View(new QualityModel(await surveys.QualityQueueAsync(false, ct), await surveys.QualityQueueAsync(true, ct)));

    [HttpPost("quality/{itemId:guid}/resolve"), RequirePermission(Permission.SurveysManage)]
    public async Task<IActionResult> Resolve(Guid itemId, [FromForm] string? resolution, CancellationToken ct)
    {
        if (await surveys.ResolveAsync(itemId, resolution, ct)) Flash(t["The follow-up is resolved."]);
        else FlashError(t["Write how it was resolved."]);
        return Redirect("/surveys/quality");
    }
}
