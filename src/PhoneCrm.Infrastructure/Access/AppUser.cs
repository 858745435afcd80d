using Microsoft.AspNetCore.Identity;

namespace PhoneCrm.Infrastructure.Access;

/// <summary>A person who signs in. Global: a user may belong to several tenants through memberships.</summary>
public sealed class AppUser : IdentityUser<Guid>
{
    public string? DisplayName { get; set; }
    public bool MustChangePassword { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
