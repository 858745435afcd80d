using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Access;

/// <summary>A company the person works for, as the tenant switcher lists it.</summary>
public sealed record TenantChoice(Guid Id, string Name);

public static class MembershipQueries
{
    /// <summary>
    /// The tenant the person works in: <paramref name="preferred"/> (the one they chose, or the one their cookie already
    /// names) while that membership is active, else their earliest active membership.
    /// </summary>
    public static async Task<Guid?> ActiveTenantAsync(PhoneCrmDbContext db, Guid userId, Guid? preferred = null) =>
        Choose(await ActiveTenantsAsync(db, userId), preferred);

    /// <summary><paramref name="preferred"/> when it is among <paramref name="tenants"/>, else the earliest.</summary>
    public static Guid? Choose(IReadOnlyList<TenantChoice> tenants, Guid? preferred) =>
        tenants.Any(t => t.Id == preferred) ? preferred : tenants.Count > 0 ? tenants[0].Id : null;

    /// <summary>Every company with an active membership of the person, earliest first; a suspended company is none of them.</summary>
    /// <remarks>Reads across tenants through the membership policy that lets a user see their own rows.</remarks>
    public static async Task<IReadOnlyList<TenantChoice>> ActiveTenantsAsync(PhoneCrmDbContext db, Guid userId, CancellationToken ct = default)
    {
        var previous = (db.Tenant.TenantId, db.Tenant.UserId);
        db.Tenant.Set(previous.TenantId, userId);
        try
        {
            return await (
                    from m in db.Memberships.IgnoreQueryFilters().AsNoTracking()
                    join t in db.Tenants.AsNoTracking() on m.TenantId equals t.Id
                    where m.UserId == userId && m.IsActive && t.SuspendedAt == null
                    orderby m.CreatedAt
                    select new TenantChoice(t.Id, t.Name))
                .ToListAsync(ct);
        }
        finally
        {
            db.Tenant.Set(previous.TenantId, previous.UserId);
        }
    }
}
