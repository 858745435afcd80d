using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Access;

/// <summary>The tenant the current request or job works in.</summary>
public sealed class CurrentTenant(PhoneCrmDbContext db)
{
    public Task<Tenant> LoadAsync(CancellationToken ct = default)
    {
        var tenantId = db.Tenant.RequireTenant();
        return db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, ct);
    }
}
