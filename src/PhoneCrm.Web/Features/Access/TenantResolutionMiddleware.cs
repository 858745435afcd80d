using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Web.Features.Access;

/// <summary>
/// For a signed-in person: sets the tenant for this request, loads their live membership (roles, active flag)
/// and enforces the two gates that come before any work: a forced password change and required MFA.
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
            if (!Guid.TryParse(user.FindFirstValue(AppClaims.TenantId), out var tenantId))
            {
                await RejectAsync(context);
                return;
            }

            db.Tenant.Set(tenantId, userId);
            var state = await (
                    from m in db.Memberships.AsNoTracking()
                    join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                    where m.UserId == userId
                    select new { Membership = m, u.TwoFactorEnabled, u.MustChangePassword, u.Email })
                .SingleOrDefaultAsync(context.RequestAborted);
            if (state is null || !state.Membership.IsActive)
            {
                await RejectAsync(context);
                return;
            }

            actor.UserId = userId;
            actor.Name = state.Email ?? userId.ToString();
            var roles = state.Membership.Roles;
            ((ClaimsIdentity)user.Identity).AddClaims(roles.Select(r => new Claim(AppClaims.TenantRole, r.ToString())));

            var path = context.Request.Path;
            var gateFree = _gateFreePaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
            if (!gateFree && state.MustChangePassword)
            {
                context.Response.Redirect("/account/change-password");
                return;
            }

            if (!gateFree && state.Membership.NeedsMfa && !state.TwoFactorEnabled)
            {
                context.Response.Redirect("/account/mfa");
                return;
            }
        }

        await next(context);
    }

    /// <summary>A cookie whose membership is gone or deactivated is worthless: sign out and start over.</summary>
    private static async Task RejectAsync(HttpContext context)
    {
        await context.RequestServices.GetRequiredService<SignInManager<PhoneCrm.Infrastructure.Access.AppUser>>().SignOutAsync();
        context.Response.Redirect("/account/login?deactivated=1");
    }
}
