using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Dashboard;

public sealed record DashboardSummary(string TenantName, int Users, int ActiveApiKeys, DateTimeOffset? LastSignIn);

/// <summary>The figures of the landing page after sign-in.</summary>
public sealed class DashboardQueries(PhoneCrmDbContext db, CurrentTenant currentTenant)
{
    public async Task<DashboardSummary> SummaryAsync(CancellationToken ct = default)
    {
        var tenant = await currentTenant.LoadAsync(ct);
        var userId = db.Tenant.UserId;
        // The sign-in that opened this session is the latest; the one before it is the person's previous visit.
        var lastSignIn = await db.AuditLog.AsNoTracking()
            .Where(a => a.UserId == userId && a.Action == AuditActions.SignIn)
            .OrderByDescending(a => a.Id).Skip(1).Select(a => (DateTimeOffset?)a.At).FirstOrDefaultAsync(ct);
        return new DashboardSummary(tenant.Name, await db.Memberships.CountAsync(m => m.IsActive, ct),
            await db.ApiKeys.CountAsync(k => k.RevokedAt == null, ct), lastSignIn);
    }
}
