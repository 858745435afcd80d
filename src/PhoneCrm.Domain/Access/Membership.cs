using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Access;

/// <summary>A user's place in one tenant: the roles they hold there.</summary>
public sealed class Membership : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public List<Role> Roles { get; set; } = [];
    public bool IsActive { get; set; } = true;
    /// <summary>MFA enforced by the admin even where the roles do not require it.</summary>
    public bool MfaRequired { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public bool NeedsMfa => MfaRequired || Roles.Any(Access.Roles.RequiresMfa);
}
