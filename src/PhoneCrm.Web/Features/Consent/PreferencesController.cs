using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// The person's own preferences page, reached by the signed link in messages (no login): withdraw any consent per
/// purpose and channel (at once, evidence <c>web_link</c>) or ask for fewer marketing messages (weekly, monthly).
/// </summary>
[AllowAnonymous, EnableRateLimiting(PublicFormLimits.Policy), Route("p/{token}")]
public sealed class PreferencesController(
    PreferenceLinks links,
    PhoneCrmDbContext db,
    ConsentLedger ledger,
    PiiProtector protector,
    AuditLog audit,
    AuditActor actor,
    TimeProvider clock,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record PageModel(string Token, string MaskedPhone, IReadOnlyList<ConsentState> States, string? Frequency, DateTimeOffset Now);

    [HttpGet("")]
    public async Task<IActionResult> Show(string token, CancellationToken ct)
    {
        var contact = await ContactAsync(token, ct);
        if (contact is null) return Invalid();
        await audit.WriteAsync(AuditActions.Read, "contact", contact.Id.ToString(), "preferences page by signed link", ct);
        return View("Preferences", await ModelAsync(token, contact, ct));
    }

    [HttpPost("withdraw")]
    public async Task<IActionResult> Withdraw(string token, string? purpose, string? channel, CancellationToken ct)
    {
        var contact = await ContactAsync(token, ct);
        if (contact is null) return Invalid();
        var all = purpose == "all";
        var result = await ledger.WithdrawAsync(contact.Id, all ? null : purpose, all ? null : channel,
            new ConsentEvidence("web_link", Ip: actor.Ip, UserAgent: Request.Headers.UserAgent.ToString() is { Length: > 0 and <= 512 } ua ? ua : null,
                SourceUrl: $"{Request.Scheme}://{Request.Host}/p/…"), ct);
        if (!result.IsValid) return BadRequest();
        await audit.WriteAsync(AuditActions.Update, "consent", contact.Id.ToString(),
            $"withdraw by signed link; purpose={purpose ?? "*"};channel={channel ?? "*"};withdrawn={result.Withdrawn}", ct);
        Flash(result.Withdrawn > 0 ? t["Done: the consent is withdrawn. No more messages for it will be sent."] : t["This consent was not active."]);
        return Redirect($"/p/{token}");
    }

    [HttpPost("frequency")]
    public async Task<IActionResult> Frequency(string token, string? frequency, CancellationToken ct)
    {
        var contact = await ContactAsync(token, ct);
        if (contact is null) return Invalid();
        var value = string.IsNullOrEmpty(frequency) ? null : frequency;
        if (value is not null && !MarketingFrequency.All.Contains(value)) return BadRequest();
        await db.Contacts.Where(c => c.Id == contact.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.MarketingFrequency, value).SetProperty(c => c.UpdatedAt, clock.GetUtcNow()), ct);
        await audit.WriteAsync(AuditActions.Update, "contact", contact.Id.ToString(), $"marketing frequency by signed link; frequency={value ?? "default"}", ct);
        Flash(t["Saved: your message frequency is updated."]);
        return Redirect($"/p/{token}");
    }

    private async Task<Contact?> ContactAsync(string token, CancellationToken ct)
    {
        if (links.Read(token) is not { } target) return null;
        db.Tenant.Set(target.TenantId);
        actor.Name = "public link";
        return await db.Contacts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == target.ContactId && c.Status != ContactStatus.Erased, ct);
    }

    private async Task<PageModel> ModelAsync(string token, Contact contact, CancellationToken ct) =>
        new(token, PhoneMasking.Mask(protector.Decrypt(contact.PhoneCipher, PhoneCrm.Infrastructure.Contacts.ContactService.PhoneContext)!),
            await ledger.StatesAsync(contact.Id, ct), contact.MarketingFrequency, clock.GetUtcNow());

    private ViewResult Invalid()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return View("LinkInvalid");
    }
}
