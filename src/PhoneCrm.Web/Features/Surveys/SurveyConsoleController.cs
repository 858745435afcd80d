using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Surveys;
using PhoneCrm.Infrastructure.Surveys;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Surveys;

/// <summary>
/// The operator console: the next contact from the survey's queue, the script step by step with one keystroke per
/// answer (<c>wwwroot/js/survey-console.js</c>; without script the same form is a plain page of choices), the
/// call-recording consent, the outcome and the reward code. Saving a call opens the next.
/// </summary>
[Route("surveys/{id:guid}/console")]
public sealed class SurveyConsoleController(SurveyService surveys, TenantClock clock, IStringLocalizer<SharedResource> t) : UiController
{
    /// <summary>The call form: <c>a.{stepId}</c> fields hold the answers.</summary>
    public sealed class CallForm
    {
        public Guid ContactId { get; set; }
        public string? Outcome { get; set; }
        public bool RecordingConsent { get; set; }
        public string? CallbackAt { get; set; }
        public Dictionary<string, string?> A { get; set; } = [];
    }

    [HttpGet(""), RequirePermission(Permission.SurveysCall)]
    public async Task<IActionResult> Index(Guid id, CancellationToken ct)
    {
        if (await surveys.GetAsync(id, ct) is not { } survey) return NotFound();
        ViewData["Survey"] = survey;
        return View(await surveys.NextCallAsync(id, ContactAccess.ScopeFor(User), ct));
    }

    [HttpPost(""), RequirePermission(Permission.SurveysCall)]
    public async Task<IActionResult> Save(Guid id, [FromForm] CallForm form, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (await surveys.GetAsync(id, ct) is not { } survey) return NotFound();
        var callbackAt = clock.TryParse(form.CallbackAt, out var at) ? at : null;
        var answers = SurveyScript.FromJson(survey.Script).AnswersFromForm(form.A);
        var result = await surveys.RecordAsync(id, new ResponseInput
        {
            ContactId = form.ContactId, Outcome = form.Outcome, RecordingConsent = form.RecordingConsent, Answers = answers, CallbackAt = callbackAt,
        }, ContactAccess.ScopeFor(User), ct);
        if (result is null) return NotFound();
        if (result.Response is null) FlashError(t.OneLine(result.Errors));
        else Flash(t["Call saved."]);
        return Redirect($"/surveys/{id}/console");
    }
}
