using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Web.Features.Access;

/// <summary>
/// For a signed-in person: sets the tenant for this request, loads their live membership (roles, active flag, the
/// tenant not suspended) — or, for a cookie without a tenant, their live platform-operator flag — and enforces the two
/// gates that come before any work: a forced password change and required MFA (always, for a platform operator).
/// </summary>
public sealed class TenantResolutionMiddleware(RequestDelegate next)
{
    private static readonly string[] _gateFreePaths = ["/account", "/health", "/lib", "/css", "/js", "/favicon.ico", "/culture"];

    public async Task InvokeAsync(HttpContext context, PhoneCrmDbContext db, AuditActor actor)
    {
        actor.Ip = context.Connection.RemoteIpAddress?.ToString();
        var user = context.User;
        if (user.Identity?.AuthenticationType == IdentityConstants.ApplicationScheme
            && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            var account = await db.Users.AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new { u.TwoFactorEnabled, u.MustChangePassword, u.Email, u.IsPlatformOperator })
                .SingleOrDefaultAsync(context.RequestAborted);
            bool needsMfa;
            if (Guid.TryParse(user.FindFirstValue(AppClaims.TenantId), out var tenantId) && account is { IsPlatformOperator: false })
            {
                db.Tenant.Set(tenantId, userId);
                var membership = await (
                        from m in db.Memberships.AsNoTracking()
                        join t in db.Tenants.AsNoTracking() on m.TenantId equals t.Id
                        where m.UserId == userId && m.IsActive && t.SuspendedAt == null
                        select m)
                    .SingleOrDefaultAsync(context.RequestAborted);
                if (membership is null)
                {
                    await RejectAsync(context);
                    return;
                }

                ((ClaimsIdentity)user.Identity).AddClaims(membership.Roles.Select(r => new Claim(AppClaims.TenantRole, r.ToString())));
                needsMfa = membership.NeedsMfa;
            }
            else if (account is { IsPlatformOperator: true } && user.FindFirst(AppClaims.TenantId) is null)
            {
                // Outside every tenant: no tenant is set, so row-level security shows this session no tenant's rows.
                ((ClaimsIdentity)user.Identity).AddClaim(new Claim(AppClaims.PlatformOperator, "true"));
                needsMfa = true;
            }
            else
            {
                await RejectAsync(context);
                return;
            }

            actor.UserId = userId;
            actor.Name = account.Email ?? userId.ToString();
            var path = context.Request.Path;
            var gateFree = _gateFreePaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
            if (!gateFree && account.MustChangePassword)
            {
                context.Response.Redirect("/account/change-password");
                return;
            }

            if (!gateFree && needsMfa && !account.TwoFactorEnabled)
            {
                context.Response.Redirect("/account/mfa");
                return;
            }

            // An operator has no dashboard (it shows a tenant's data): their home is the tenants list.
            if (account.IsPlatformOperator && path == "/")
            {
                context.Response.Redirect(PlatformHome);
                return;
            }
        }

        await next(context);
    }

    public const string PlatformHome = "/platform/tenants";

    /// <summary>A cookie whose membership is gone or deactivated is worthless: sign out and start over.</summary>
    private static async Task RejectAsync(HttpContext context)
    {
        await context.RequestServices.GetRequiredService<SignInManager<PhoneCrm.Infrastructure.Access.AppUser>>().SignOutAsync();
        context.Response.Redirect("/account/login?deactivated=1");
    }
}
