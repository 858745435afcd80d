using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Access;

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
