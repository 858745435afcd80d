using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Web.Features.Access;

/// <summary>
/// Puts the tenant the person works in into the sign-in cookie: the one they just chose in the menu, else the one their
/// cookie already names (so a periodic refresh keeps it), while that membership is active; else their earliest one.
/// </summary>
public sealed class AppClaimsPrincipalFactory(
    UserManager<AppUser> users,
    IOptions<IdentityOptions> options,
    PhoneCrmDbContext db,
    IHttpContextAccessor http)
    : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    /// <summary>The <see cref="HttpContext.Items"/> key under which a tenant switch names the chosen tenant.</summary>
    public const string ChosenTenantKey = "PhoneCrm.ChosenTenant";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var context = http.HttpContext;
        var preferred = context?.Items[ChosenTenantKey] as Guid?
            ?? (Guid.TryParse(context?.User.FindFirstValue(AppClaims.TenantId), out var current) ? current : null);
        var tenants = await MembershipQueries.ActiveTenantsAsync(db, user.Id);
        var tenantId = MembershipQueries.Choose(tenants, preferred);
        if (tenantId is { } t) identity.AddClaim(new Claim(AppClaims.TenantId, t.ToString()));
        // Read here once so pages need not ask on every request whether there is anything to switch to.
        if (tenants.Count > 1) identity.AddClaim(new Claim(AppClaims.SeveralTenants, "true"));
        return identity;
    }
}
