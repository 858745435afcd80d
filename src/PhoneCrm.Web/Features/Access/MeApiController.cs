using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Access;

/// <summary>Tells an integration which tenant its key belongs to and what it may do.</summary>
[Tags("Me")]
public sealed class MeApiController(PhoneCrmDbContext db) : ApiV1Controller
{
    public sealed record MeResponse(Guid TenantId, string TenantName, string KeyName, IReadOnlyList<string> Scopes);

    [HttpGet("me")]
    [RequirePermission(Permission.ApiIdentity)]
    public async Task<ActionResult<MeResponse>> GetAsync(CancellationToken ct)
    {
        var tenantId = db.Tenant.RequireTenant();
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, ct);
        return new MeResponse(tenant.Id, tenant.Name, User.Identity?.Name ?? "",
            User.FindAll(AppClaims.Scope).Select(c => c.Value).ToList());
    }
}
