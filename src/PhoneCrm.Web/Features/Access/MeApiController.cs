using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Access;

/// <summary>Tells an integration which tenant its key belongs to and what it may do.</summary>
[Tags("Me")]
public sealed class MeApiController(CurrentTenant currentTenant) : ApiV1Controller
{
    public sealed record MeResponse(Guid TenantId, string TenantName, string KeyName, IReadOnlyList<string> Scopes);

    [HttpGet("me")]
    [RequirePermission(Permission.ApiIdentity)]
    public async Task<ActionResult<MeResponse>> GetAsync(CancellationToken ct)
    {
        var tenant = await currentTenant.LoadAsync(ct);
        return new MeResponse(tenant.Id, tenant.Name, User.Identity?.Name ?? "",
            User.FindAll(AppClaims.Scope).Select(c => c.Value).ToList());
    }
}
