using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Web.Features.Access;

/// <summary>Puts the tenant the person works in into the sign-in cookie: their earliest active membership.</summary>
public sealed class AppClaimsPrincipalFactory(
    UserManager<AppUser> users,
    IOptions<IdentityOptions> options,
    PhoneCrmDbContext db)
    : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var tenantId = await MembershipQueries.FirstActiveTenantAsync(db, user.Id);
        if (tenantId is { } t) identity.AddClaim(new Claim(AppClaims.TenantId, t.ToString()));
        return identity;
    }
}
