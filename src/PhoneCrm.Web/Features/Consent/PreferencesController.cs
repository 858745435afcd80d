using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// The person's own preferences page, reached by the signed link in messages (no login): withdraw any consent per
/// purpose and channel (at once, evidence <c>web_link</c>) or ask for fewer marketing messages (weekly, monthly).
/// </summary>
[AllowAnonymous, EnableRateLimiting(PublicFormLimits.Policy), Route("p/{token}")]
public sealed class PreferencesController(
    ContactPreferences preferences,
    ConsentLedger ledger,
    Reconsents reconsents,
    AuditLog audit,
    AuditActor actor,
    TimeProvider clock,
    IStringLocalizer<SharedResource> t) : UiController
{
    /// <param name="ReconsentOpen">We asked the person (by SMS) to confirm their marketing consent and wait for the answer.</param>
    public sealed record PageModel(string Token, string MaskedPhone, IReadOnlyList<ConsentState> States, string? Frequency, DateTimeOffset Now,
        bool ReconsentOpen);

    [HttpGet("")]
    public async Task<IActionResult> Show(string token, CancellationToken ct)
    {
        var contact = await ContactAsync(token, ct);
        if (contact is null) return Invalid();
        await audit.WriteAsync(AuditActions.Read, "contact", contact.ContactId.ToString(), "preferences page by signed link", ct);
        return View("Preferences", await ModelAsync(token, contact, ct));
    }

    [HttpPost("withdraw")]
    public async Task<IActionResult> Withdraw(string token, string? purpose, string? channel, CancellationToken ct)
    {
        var contact = await ContactAsync(token, ct);
        if (contact is null) return Invalid();
        var all = purpose == "all";
        var result = await ledger.WithdrawAsync(contact.ContactId, all ? null : purpose, all ? null : channel, Evidence(), ct);
        if (!result.IsValid) return BadRequest();
        await audit.WriteAsync(AuditActions.Update, "consent", contact.ContactId.ToString(),
            $"withdraw by signed link; purpose={purpose ?? "*"};channel={channel ?? "*"};withdrawn={result.Withdrawn}", ct);
        Flash(result.Withdrawn > 0 ? t["Done: the consent is withdrawn. No more messages for it will be sent."] : t["This consent was not active."]);
        return Redirect($"/p/{token}");
    }

    /// <summary>The answer to a re-consent SMS: a fresh marketing grant with this page's evidence.</summary>
    [HttpPost("reconsent")]
    public async Task<IActionResult> Reconsent(string token, CancellationToken ct)
    {
        var contact = await ContactAsync(token, ct);
        if (contact is null) return Invalid();
        var confirmed = await reconsents.ConfirmAsync(contact.ContactId, Evidence(), ct);
        if (!confirmed) return Redirect($"/p/{token}");
        await audit.WriteAsync(AuditActions.Update, "consent", contact.ContactId.ToString(), "marketing consent confirmed by signed link (re-consent)", ct);
        Flash(t["Thank you: your consent is confirmed."]);
        return Redirect($"/p/{token}");
    }

    [HttpPost("frequency")]
    public async Task<IActionResult> Frequency(string token, string? frequency, CancellationToken ct)
    {
        var contact = await ContactAsync(token, ct);
        if (contact is null) return Invalid();
        var value = string.IsNullOrEmpty(frequency) ? null : frequency;
        if (!await preferences.SetFrequencyAsync(contact.ContactId, value, ct)) return BadRequest();
        await audit.WriteAsync(AuditActions.Update, "contact", contact.ContactId.ToString(), $"marketing frequency by signed link; frequency={value ?? "default"}", ct);
        Flash(t["Saved: your message frequency is updated."]);
        return Redirect($"/p/{token}");
    }

    /// <summary>The evidence of an answer on this page: the link, the address and the browser it came from.</summary>
    private ConsentEvidence Evidence() =>
        new("web_link", Ip: actor.Ip, UserAgent: Request.Headers.UserAgent.ToString() is { Length: > 0 and <= 512 } ua ? ua : null,
            SourceUrl: $"{Request.Scheme}://{Request.Host}/p/…");

    private Task<PreferencesHolder?> ContactAsync(string token, CancellationToken ct)
    {
        actor.Name = "public link";
        return preferences.OpenAsync(token, ct);
    }

    private async Task<PageModel> ModelAsync(string token, PreferencesHolder contact, CancellationToken ct) =>
        new(token, contact.MaskedPhone, await ledger.StatesAsync(contact.ContactId, ct), contact.Frequency, clock.GetUtcNow(),
            await reconsents.IsOpenAsync(contact.ContactId, ct));

    private ViewResult Invalid()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return View("LinkInvalid");
    }
}
