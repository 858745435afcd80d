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

public static class MembershipQueries
{
    /// <summary>Reads across tenants through the membership policy that lets a user see their own rows.</summary>
    public static async Task<Guid?> FirstActiveTenantAsync(PhoneCrmDbContext db, Guid userId)
    {
        var previous = (db.Tenant.TenantId, db.Tenant.UserId);
        db.Tenant.Set(previous.TenantId, userId);
        try
        {
            return await db.Memberships.IgnoreQueryFilters().AsNoTracking()
                .Where(m => m.UserId == userId && m.IsActive)
                .OrderBy(m => m.CreatedAt)
                .Select(m => (Guid?)m.TenantId)
                .FirstOrDefaultAsync();
        }
        finally
        {
            db.Tenant.Set(previous.TenantId, previous.UserId);
        }
    }
}
