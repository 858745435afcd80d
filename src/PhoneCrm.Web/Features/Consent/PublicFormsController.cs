using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// The hosted capture form (anonymous): <c>/f/{tenantId}/{key}</c>. No antiforgery token, because the page also
/// lives in an iframe on the tenant's site where our cookies are third-party; nothing here acts for a signed-in
/// user. Rate-limited per IP (IPv6 by /64); codes are limited per number and per tenant (429); a filled honeypot is refused; evidence (IP, user agent, page, text and form version,
/// time) is taken on the server.
/// </summary>
[AllowAnonymous, IgnoreAntiforgeryToken, EnableRateLimiting(PublicFormLimits.Policy)]
[Route("f/{tenantId:guid}/{key}")]
public sealed class PublicFormsController(
    CaptureForms forms,
    FormSubmissions submissions,
    IStringLocalizer<SharedResource> t) : UiController
{
    public const string HoneypotField = "website";
    private const long MaxBody = 64 * 1024;

    public sealed class SubmitForm
    {
        public string? Phone { get; set; }
        public string? Name { get; set; }
        public List<string> Purposes { get; set; } = [];
        public string? Website { get; set; }
        public string? Src { get; set; }
    }

    public sealed record PurposeOption(string Code, string Name, int? ValidityDays);

    public sealed record PageModel(Guid TenantId, CaptureForm Form, ConsentTextVersion Text, IReadOnlyList<PurposeOption> Purposes, SubmitForm Input,
        IReadOnlyDictionary<string, string> Errors, string? Src);

    public sealed record CodeModel(Guid TenantId, CaptureForm Form, Guid ChallengeId, string MaskedPhone, IReadOnlyList<string> Granted, string? Error,
        string? Src);

    public sealed record ThanksModel(CaptureForm Form, IReadOnlyList<string> Granted, string? Note);

    [HttpGet("")]
    public async Task<IActionResult> Show(Guid tenantId, string key, string? src, CancellationToken ct)
    {
        var loaded = await LoadAsync(tenantId, key, ct);
        if (loaded is null) return NotFound();
        return View("Form", new PageModel(tenantId, loaded.Value.Form, loaded.Value.Text, loaded.Value.Purposes, new SubmitForm(),
            new Dictionary<string, string>(), CleanSrc(src)));
    }

    [HttpPost(""), RequestSizeLimit(MaxBody)]
    public async Task<IActionResult> Submit(Guid tenantId, string key, CancellationToken ct)
    {
        var loaded = await LoadAsync(tenantId, key, ct);
        if (loaded is null) return NotFound();
        if (await ReadFormAsync(ct) is not { } posted) return TooLarge();
        var input = new SubmitForm
        {
            Phone = posted["Phone"].FirstOrDefault(), Name = posted["Name"].FirstOrDefault(), Purposes = posted["Purposes"].OfType<string>().ToList(),
            Website = posted[HoneypotField].FirstOrDefault(), Src = posted["Src"].FirstOrDefault(),
        };
        var (form, text, options) = loaded.Value;
        var src = CleanSrc(input.Src);
        IActionResult Again(Dictionary<string, string> errors)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View("Form", new PageModel(tenantId, form, text, options, input, errors, src));
        }

        if (!string.IsNullOrEmpty(input.Website))
            return Again(new() { ["form"] = t["The form was filled in automatically and was not accepted. Nothing was recorded."] });

        var result = await submissions.SubmitAsync(form, new FormSubmission(input.Phone, input.Name, input.Purposes,
            HttpContext.Connection.RemoteIpAddress?.ToString(), Request.Headers.UserAgent.ToString(), src ?? PageUrl(tenantId, key)), ct);
        if (!result.IsValid)
        {
            return Again(t.Messages(result.Errors));
        }

        if (result.RetryAfter is { } wait)
        {
            var errors = new Dictionary<string, string> { ["form"] = PublicFormLimits.CodeLimitReached(Response, wait, t) };
            return View("Form", new PageModel(tenantId, form, text, options, input, errors, src));
        }

        if (result.ChallengeId is { } challenge)
            return View("Code", new CodeModel(tenantId, form, challenge, result.MaskedPhone!, result.Granted, null, src));
        return View("Thanks", new ThanksModel(form, result.Granted, null));
    }

    [HttpPost("confirm"), RequestSizeLimit(MaxBody)]
    public async Task<IActionResult> Confirm(Guid tenantId, string key, CancellationToken ct)
    {
        var loaded = await LoadAsync(tenantId, key, ct);
        if (loaded is null) return NotFound();
        if (await ReadFormAsync(ct) is not { } posted) return TooLarge();
        _ = Guid.TryParse(posted["challenge"].FirstOrDefault(), out var challenge);
        var code = posted["code"].FirstOrDefault();
        var src = posted["src"].FirstOrDefault();
        var form = loaded.Value.Form;
        var result = await submissions.ConfirmAsync(challenge, code, HttpContext.Connection.RemoteIpAddress?.ToString(),
            Request.Headers.UserAgent.ToString(), ct);
        if (result.Outcome == CodeOutcome.Confirmed) return View("Thanks", new ThanksModel(form, result.Granted, null));

        Response.StatusCode = result.Outcome == CodeOutcome.Wrong ? StatusCodes.Status400BadRequest : StatusCodes.Status410Gone;
        if (result.Outcome == CodeOutcome.Wrong)
        {
            var masked = await submissions.MaskedPhoneAsync(challenge, ct) ?? "";
            return View("Code", new CodeModel(tenantId, form, challenge, masked, [],
                string.Format(System.Globalization.CultureInfo.CurrentCulture, t["Wrong code. Attempts left: {0}."], result.AttemptsLeft), CleanSrc(src)));
        }

        var note = result.Outcome switch
        {
            CodeOutcome.Expired => t["The code has expired (it is valid for 10 minutes). Nothing was recorded: send the form again to get a new code."],
            CodeOutcome.Used => t["This code has already been used. Nothing new was recorded."],
            CodeOutcome.TooManyAttempts => t["Too many wrong codes. Nothing was recorded: send the form again to get a new code."],
            _ => t["This confirmation is unknown. Nothing was recorded: send the form again."],
        };
        return View("Thanks", new ThanksModel(form, [], note));
    }

    private async Task<(CaptureForm Form, ConsentTextVersion Text, IReadOnlyList<PurposeOption> Purposes)?> LoadAsync(Guid tenantId, string key,
        CancellationToken ct)
    {
        if (await forms.OpenPublicAsync(tenantId, key, ct) is not { } open) return null;
        var options = open.Purposes.Select(p => new PurposeOption(p.Code, p.BuiltIn ? t.Code("purpose", p.Code) : p.Name, p.ValidityDays)).ToList();
        return (open.Form, open.Text, options);
    }

    /// <summary>The form read by hand, so an oversized or malformed body is a clear 413 rather than a binding failure.</summary>
    private async Task<IFormCollection?> ReadFormAsync(CancellationToken ct)
    {
        if (!Request.HasFormContentType) return FormCollection.Empty;
        try
        {
            return await Request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return null;
        }
    }

    private ContentResult TooLarge() => new()
    {
        StatusCode = StatusCodes.Status413PayloadTooLarge, ContentType = "text/plain; charset=utf-8",
        Content = t["The form is too large. Nothing was recorded."],
    };

    private string PageUrl(Guid tenantId, string key) => $"{Request.Scheme}://{Request.Host}/f/{tenantId}/{key}";

    /// <summary>The embedding page's URL (passed by the snippet) when it is a plausible web address.</summary>
    private static string? CleanSrc(string? src) => CaptureForms.IsWebUrl(src) ? src : null;
}
