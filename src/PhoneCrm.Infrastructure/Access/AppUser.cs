using Microsoft.AspNetCore.Identity;

namespace PhoneCrm.Infrastructure.Access;

/// <summary>A person who signs in. Global: a user may belong to several tenants through memberships.</summary>
public sealed class AppUser : IdentityUser<Guid>
{
    public string? DisplayName { get; set; }
    public bool MustChangePassword { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>
    /// A platform operator (CLI <c>operator create</c>): belongs to no tenant, always needs a second factor, and alone
    /// reaches the platform pages (jobs dashboard, key rotation, tenants). Never combined with a membership.
    /// </summary>
    public bool IsPlatformOperator { get; set; }
}
