using System.Security.Claims;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Contacts;

/// <summary>Turns the caller's roles or key scopes into the row and field scope that every contact query applies.</summary>
public static class ContactAccess
{
    /// <summary>
    /// Personal data needs <see cref="Permission.ContactsReadPersonal"/> (Analyst lacks it: masked phone, no names).
    /// A SalesManager sees only the contacts they own, unless another of their roles sees the whole base.
    /// </summary>
    public static ContactScope ScopeFor(ClaimsPrincipal user)
    {
        var personal = user.Has(Permission.ContactsReadPersonal);
        var roles = user.TenantRoles().ToList();
        var ownOnly = roles.Contains(Role.SalesManager)
            && !roles.Any(r => r is Role.Admin or Role.Marketer or Role.ComplianceOfficer or Role.Analyst);
        Guid? owner = null;
        if (ownOnly)
            owner = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : Guid.Empty;
        return new ContactScope(personal, owner);
    }
}
