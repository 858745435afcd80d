using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Consent;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>
/// The public self-service page of a tenant (anonymous): <c>/dsr/{tenantId}</c>. The person proves the number with an SMS
/// code and the request is created already verified. Rate-limited per IP like the capture forms; a filled honeypot is
/// refused; no antiforgery token, because nothing here acts for a signed-in user and nothing happens without the code.
/// </summary>
[AllowAnonymous, IgnoreAntiforgeryToken, EnableRateLimiting(PublicFormLimits.Policy)]
[Route("dsr/{tenantId:guid}")]
public sealed class SelfServiceController(SelfServiceRequests selfService, IStringLocalizer<SharedResource> t) : UiController
{
    public const string HoneypotField = "website";

    public sealed class StartForm
    {
        public string? Phone { get; set; }
        public string? FullName { get; set; }
        public string? Email { get; set; }
        public string? Type { get; set; }
        public string? Website { get; set; }
    }

    public sealed record PageModel(Guid TenantId, string OperatorName, StartForm Input, IReadOnlyDictionary<string, string> Errors);

    public sealed record CodeModel(Guid TenantId, string OperatorName, Guid ChallengeId, string MaskedPhone, string? Error);

    public sealed record DoneModel(string OperatorName, SubjectRequest? Request, string? Note);

    [HttpGet("")]
    public async Task<IActionResult> Show(Guid tenantId, CancellationToken ct) =>
        await selfService.OpenAsync(tenantId, ct) is { } name
            ? View("Form", new PageModel(tenantId, name, new StartForm { Type = SubjectRequestTypes.Access }, new Dictionary<string, string>()))
            : NotFound();

    [HttpPost(""), RequestSizeLimit(64 * 1024)]
    public async Task<IActionResult> Start(Guid tenantId, [FromForm] StartForm input, CancellationToken ct)
    {
        if (await selfService.OpenAsync(tenantId, ct) is not { } name) return NotFound();
        IActionResult Again(int status, Dictionary<string, string> errors)
        {
            Response.StatusCode = status;
            return View("Form", new PageModel(tenantId, name, input, errors));
        }

        if (!string.IsNullOrEmpty(input.Website))
            return Again(StatusCodes.Status400BadRequest, new() { ["form"] = t["The form was filled in automatically and was not accepted. Nothing was recorded."] });
        var started = await selfService.StartAsync(new SelfServiceInput(input.Phone, input.FullName, input.Type, input.Email),
            HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        if (started.RetryAfter is { } wait)
        {
            var errors = new Dictionary<string, string> { ["form"] = PublicFormLimits.CodeLimitReached(Response, wait, t) };
            return View("Form", new PageModel(tenantId, name, input, errors));
        }

        if (started.ChallengeId is not { } challenge)
            return Again(StatusCodes.Status400BadRequest, started.Errors.ByField.ToDictionary(e => e.Key, e => t[e.Value[0]].Value));
        return View("Code", new CodeModel(tenantId, name, challenge, started.MaskedPhone!, null));
    }

    [HttpPost("confirm"), RequestSizeLimit(64 * 1024)]
    public async Task<IActionResult> Confirm(Guid tenantId, Guid challenge, string? code, CancellationToken ct)
    {
        if (await selfService.OpenAsync(tenantId, ct) is not { } name) return NotFound();
        var result = await selfService.ConfirmAsync(challenge, code, ct);
        if (result.Outcome == CodeOutcome.Confirmed) return View("Done", new DoneModel(name, result.Request, null));

        Response.StatusCode = result.Outcome == CodeOutcome.Wrong ? StatusCodes.Status400BadRequest : StatusCodes.Status410Gone;
        if (result.Outcome == CodeOutcome.Wrong)
            return View("Code", new CodeModel(tenantId, name, challenge, await selfService.MaskedPhoneAsync(challenge, ct) ?? "",
                string.Format(CultureInfo.CurrentCulture, t["Wrong code. Attempts left: {0}."], result.AttemptsLeft)));
        var note = result.Outcome switch
        {
            CodeOutcome.Expired => t["The code has expired (it is valid for 10 minutes). Nothing was recorded: send the form again to get a new code."],
            CodeOutcome.Used => t["This code has already been used. Nothing new was recorded."],
            CodeOutcome.TooManyAttempts => t["Too many wrong codes. Nothing was recorded: send the form again to get a new code."],
            _ => t["This confirmation is unknown. Nothing was recorded: send the form again."],
        };
        return View("Done", new DoneModel(name, null, note));
    }
}
