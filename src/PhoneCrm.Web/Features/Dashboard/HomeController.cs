using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Dashboard;

/// <summary>The landing page after sign-in: each capability adds its own card here.</summary>
public sealed class HomeController(PhoneCrmDbContext db) : UiController
{
    public sealed record DashboardModel(string TenantName, int Users, int ActiveApiKeys, DateTimeOffset? LastSignIn);

    [HttpGet("/"), RequirePermission(Permission.DashboardView)]
    public async Task<IActionResult> Index()
    {
        var tenantId = db.Tenant.RequireTenant();
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId);
        var userId = db.Tenant.UserId;
        var lastSignIn = await db.AuditLog.AsNoTracking()
            .Where(a => a.UserId == userId && a.Action == PhoneCrm.Domain.Audit.AuditActions.SignIn)
            .OrderByDescending(a => a.Id).Skip(1).Select(a => (DateTimeOffset?)a.At).FirstOrDefaultAsync();
        return View(new DashboardModel(tenant.Name, await db.Memberships.CountAsync(m => m.IsActive),
            await db.ApiKeys.CountAsync(k => k.RevokedAt == null), lastSignIn));
    }
}
