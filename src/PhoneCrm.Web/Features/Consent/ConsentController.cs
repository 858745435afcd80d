using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Web.Hosting.Api;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>The compliance officer's Consent page: search by phone, chain verification, proof; and staff withdrawal.</summary>
public sealed class ConsentController(
    ConsentLedger ledger,
    ContactService contacts,
    AuditLog audit,
    AuditActor actor,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record IndexModel(string? Query, string? SearchError, ChainVerification Chain)
    {
        /// <summary>The bulk-proof form as the officer filled it, when it comes back with <see cref="BulkError"/>.</summary>
        public ConsentProofController.BulkForm? Bulk { get; init; }
        public string? BulkError { get; init; }
    }

    [HttpGet("consent"), RequirePermission(Permission.ConsentRead)]
    public async Task<IActionResult> Index(string? q, CancellationToken ct)
    {
        string? error = null;
        if (!string.IsNullOrWhiteSpace(q))
        {
            var (contact, valid) = await contacts.FindByPhoneAsync(q, ContactAccess.ScopeFor(User), ct);
            await audit.WriteAsync(AuditActions.Read, "contact", contact?.Id.ToString(), $"consent search by phone; found={contact is not null}", ct);
            if (contact is not null) return Redirect($"/contacts/{contact.Id}?tab=consents");
            error = valid ? t["No contact with this number."] : t["Enter a valid phone number."];
            Response.StatusCode = valid ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
        }

        var chain = await ledger.VerifyChainAsync(ct);
        await audit.WriteAsync(AuditActions.Read, "consent_chain", null, $"verified; valid={chain.Valid};records={chain.Records}", ct);
        return View(new IndexModel(q, error, chain));
    }

    /// <summary>The whole ledger from its first record, whatever the checkpoints say.</summary>
    [HttpPost("consent/verify"), RequirePermission(Permission.ConsentRead)]
    public async Task<IActionResult> VerifyWhole(CancellationToken ct)
    {
        var chain = await ledger.VerifyWholeChainAsync(ct);
        await audit.WriteAsync(AuditActions.Read, "consent_chain", null, $"verified whole; valid={chain.Valid};records={chain.Records}", ct);
        return View("Index", new IndexModel(null, null, chain));
    }

    [HttpPost("contacts/{id:guid}/consents/withdraw"), RequirePermission(Permission.ConsentWrite)]
    public async Task<IActionResult> Withdraw(Guid id, string? purpose, string? channel, CancellationToken ct)
    {
        if (await contacts.GetAsync(id, ContactAccess.ScopeFor(User), ct) is null) return NotFound();
        if (string.IsNullOrEmpty(purpose) || string.IsNullOrEmpty(channel)) return BadRequest();
        var result = await ledger.WithdrawAsync(id, purpose, channel,
            new ConsentEvidence("staff", Ip: actor.Ip, UserAgent: Request.Headers.UserAgent.ToString() is { Length: > 0 and <= 512 } ua ? ua : null), ct);
        if (!result.IsValid) return BadRequest();
        await audit.WriteAsync(AuditActions.Update, "consent", id.ToString(),
            $"staff withdraw; purpose={purpose};channel={channel};withdrawn={result.Withdrawn}", ct);
        Flash(result.Withdrawn > 0 ? t["Consent withdrawn."] : t["This consent was not active."]);
        return Redirect($"/contacts/{id}?tab=consents");
    }
}
