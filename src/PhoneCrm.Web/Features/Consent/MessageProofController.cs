using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// The consent behind messages for people: one message's proof (from a message row on the contact card) as a page or a
/// PDF, and a campaign's bulk proof as a ZIP (from the campaign page). Every read is audited by the service.
/// </summary>
public sealed class MessageProofController(MessageConsentProofs proofs, MessageProofPdf pdf, CampaignProofArchive archive,
    TimeProvider clock, IStringLocalizer<SharedResource> t) : UiController
{
    [HttpGet("consent/message-proof/{id:guid}"), RequirePermission(Permission.ConsentRead)]
    public async Task<IActionResult> Message(Guid id, CancellationToken ct) =>
        await proofs.GetAsync(id, ContactAccess.ScopeFor(User), "ui", ct) is { } proof ? View("Message", proof) : NotFound();

    [HttpGet("consent/message-proof/{id:guid}/pdf"), RequirePermission(Permission.ConsentRead)]
    public async Task<IActionResult> MessagePdf(Guid id, CancellationToken ct)
    {
        if (await proofs.GetAsync(id, ContactAccess.ScopeFor(User), "ui pdf", ct) is not { } proof) return NotFound();
        Response.Headers.ContentDisposition = $"inline; filename=\"message-proof-{id}.pdf\"";
        return File(pdf.Render(string.Format(CultureInfo.CurrentCulture, t["Message {0}"], id), clock.GetUtcNow(), proof.ChainValid, [proof]),
            "application/pdf");
    }

    /// <summary>Every recipient's authorising record, streamed as a ZIP of JSON files and one PDF.</summary>
    [HttpGet("consent/campaign-proofs/{id:guid}"), RequirePermission(Permission.ContactsExport)]
    public async Task<IActionResult> Campaign(Guid id, CancellationToken ct)
    {
        if (await proofs.ForCampaignAsync(id, ct) is not { } campaign) return NotFound();
        // ZipArchive finishes its central directory synchronously on some paths; the response is a download, not a page.
        if (HttpContext.Features.Get<IHttpBodyControlFeature>() is { } body) body.AllowSynchronousIO = true;
        Response.ContentType = "application/zip";
        Response.Headers.ContentDisposition = $"attachment; filename=\"campaign-consent-proof-{id}.zip\"";
        await archive.WriteAsync(campaign, string.Format(CultureInfo.CurrentCulture, t["Campaign «{0}»"], campaign.CampaignName), Response.Body, ct);
        return new EmptyResult();
    }
}
