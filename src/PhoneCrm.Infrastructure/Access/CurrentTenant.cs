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

    /// <summary>The companies the person may switch between (active memberships), earliest first.</summary>
    public Task<IReadOnlyList<TenantChoice>> ChoicesAsync(Guid userId, CancellationToken ct = default) =>
        MembershipQueries.ActiveTenantsAsync(db, userId, ct);
}
