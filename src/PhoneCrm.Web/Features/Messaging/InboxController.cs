using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Web.Features.Contacts;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>Replies people sent: «НОВЫЙ» number changes and free-text replies wait here for a person; STOPs are listed as done.</summary>
[Route("inbox"), RequirePermission(Permission.ContactsWrite)]
public sealed class InboxController(InboundSmsService inbound, NumberChangeService numberChanges, AuditLog audit,
    IStringLocalizer<SharedResource> t) : UiController
{
    /// <param name="NumberChanges">«НОВЫЙ» requests (open ones and their recent history); empty unless the filter shows number changes.</param>
    public sealed record IndexModel(IReadOnlyList<InboxItem> Items, string? Kind, bool All, IReadOnlyList<NumberChangeItem> NumberChanges);

    [HttpGet("")]
    public async Task<IActionResult> Index(string? kind, bool all, CancellationToken ct)
    {
        kind = InboundKinds.All.Contains(kind ?? "") ? kind : null;
        var owner = OwnContactsOnly();
        var items = await inbound.ListAsync(kind, all, 200, owner, ct);
        var changes = kind is null or InboundKinds.NumberChange ? await numberChanges.ListAsync(all ? 200 : 50, owner, ct) : [];
        if (!all) changes = changes.Where(c => c.ClosedAt is null || c.Status == NumberChangeStatus.NeedsReview
            || c.ClosedAt > DateTimeOffset.UtcNow.AddDays(-7)).ToList();
        await audit.WriteAsync(AuditActions.Read, "sms_inbound", null,
            $"inbox; kind={kind}; all={all}; count={items.Count}; numberChanges={changes.Count}", ct);
        return View(new IndexModel(items, kind, all, changes));
    }

    /// <summary>Answers the person by SMS (transactional, through the send policy); the message is then handled.</summary>
    [HttpPost("{id:guid}/reply")]
    public async Task<IActionResult> Reply(Guid id, string? text, string? kind, bool all, CancellationToken ct)
    {
        var result = await inbound.ReplyAsync(id, text, User.FindFirstValue(ClaimTypes.Email) ?? User.Identity?.Name ?? "user", OwnContactsOnly(), ct);
        if (result is null) return NotFound();
        if (!result.Errors.IsValid) FlashError(t.OneLine(result.Errors));
        else if (result.Refusal is { } reason) FlashError(string.Format(CultureInfo.CurrentCulture, t["The reply was not sent: {0}."].Value, t["reason:" + reason].Value));
        else
        {
            await audit.WriteAsync(AuditActions.Create, "sms_reply", result.MessageId.ToString(), $"inbox reply to {id}", ct);
            Flash(t["Reply queued."]);
        }

        return Redirect($"/inbox?kind={kind}&all={all}");
    }

    [HttpPost("{id:guid}/handled")]
    public async Task<IActionResult> Handled(Guid id, string? kind, bool all, CancellationToken ct)
    {
        if (!await inbound.MarkHandledAsync(id, User.FindFirstValue(ClaimTypes.Email) ?? User.Identity?.Name ?? "user", OwnContactsOnly(), ct)) return NotFound();
        await audit.WriteAsync(AuditActions.Update, "sms_inbound", id.ToString(), "marked handled", ct);
        Flash(t["Marked as handled."]);
        return Redirect($"/inbox?kind={kind}&all={all}");
    }

    /// <summary>
    /// A staff member marks a reply as a complaint (api-v1 "Analytics": it counts in the complaint rate of the marketing
    /// message it answers); a SalesManager only on their own contacts' replies. Marking twice keeps the first time.
    /// </summary>
    [HttpPost("{id:guid}/complaint")]
    public async Task<IActionResult> Complaint(Guid id, string? kind, bool all, CancellationToken ct)
    {
        if (!await inbound.MarkComplaintAsync(id, OwnContactsOnly(), ct)) return NotFound();
        await audit.WriteAsync(AuditActions.Update, "sms_inbound", id.ToString(), "inbox; complaint", ct);
        Flash(t["Marked as a complaint."]);
        return Redirect($"/inbox?kind={kind}&all={all}");
    }

    /// <summary>The replies are personal data: a user whose personal data reaches only their own contacts (SalesManager) sees only those.</summary>
    private Guid? OwnContactsOnly() => ContactAccess.ScopeFor(User).PersonalOwner;
}
