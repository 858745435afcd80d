using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>The contact card's Messages tab: SMS sent to the contact and replies received from them (htmx fragment).</summary>
[Route("contacts/{id:guid}/messages"), RequirePermission(Permission.ContactsReadPersonal)]
public sealed class ContactMessagesController(ContactService contacts, SmsHistory history, AuditLog audit) : UiController
{
    [HttpGet("")]
    public async Task<IActionResult> Index(Guid id, CancellationToken ct)
    {
        var scope = ContactAccess.ScopeFor(User);
        var contact = await contacts.GetAsync(id, scope, ct);
        if (contact is null || !scope.PersonalFor(contact.OwnerId)) return NotFound();
        var items = await history.ForContactAsync(id, 100, ct);
        await audit.WriteAsync(AuditActions.Read, "sms_message", id.ToString(), $"card messages; count={items.Count}", ct);
        return PartialView("_Messages", items);
    }
}
