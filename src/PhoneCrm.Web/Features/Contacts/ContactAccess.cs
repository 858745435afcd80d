using System.Security.Claims;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Contacts;

/// <summary>Turns the caller's roles or key scopes into the row and field scope that every contact query applies.</summary>
public static class ContactAccess
{
    /// <summary>
    /// Roles: <see cref="RolePermissions.ContactVisibilityOf"/> — rows and personal data exactly as far as the user's roles
    /// reach together. API keys (scopes, no roles): the <c>contacts</c> scope reads every contact in full.
    /// </summary>
    public static ContactScope ScopeFor(ClaimsPrincipal user)
    {
        var roles = user.TenantRoles().ToList();
        if (roles.Count == 0) return new ContactScope(user.Has(Permission.ContactsReadPersonal), null);
        var visibility = RolePermissions.ContactVisibilityOf(roles);
        var userId = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : Guid.Empty;
        return new ContactScope(visibility.Personal != PersonalDataReach.None, visibility.AllContacts ? null : userId,
            visibility.AllContacts && visibility.Personal == PersonalDataReach.OwnContacts ? userId : null);
    }

    /// <summary>Personal data of any contact of the tenant (lists that are not scoped per contact: campaign recipients, previews).</summary>
    public static bool PersonalForAll(ClaimsPrincipal user) => ScopeFor(user) is { Personal: true, PersonalOwnerOnly: null, OwnerOnly: null };
}
