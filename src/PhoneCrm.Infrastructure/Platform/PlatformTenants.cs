using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Platform;

/// <summary>A tenant as the platform's list shows it: the company, never anything of its data.</summary>
public sealed record PlatformTenantRow(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? SuspendedAt);

/// <summary>
/// The platform operators' tenants list: create a tenant (as the CLI does) and suspend or resume one. Reads only the
/// global <c>tenants</c> table; with no tenant set, row-level security shows this session no tenant's rows at all.
/// </summary>
public sealed class PlatformTenants(PhoneCrmDbContext db, TenantProvisioner provisioner, AuditLog audit, TimeProvider clock)
{
    public const string SuspendedAction = "tenant.suspended";
    public const string ResumedAction = "tenant.resumed";

    public async Task<IReadOnlyList<PlatformTenantRow>> ListAsync(CancellationToken ct = default) =>
        await db.Tenants.AsNoTracking().OrderBy(t => t.CreatedAt)
            .Select(t => new PlatformTenantRow(t.Id, t.Name, t.CreatedAt, t.SuspendedAt)).ToListAsync(ct);

    /// <summary>A tenant with its first Admin (one-time password) and a bootstrap API key, shown to the operator once.</summary>
    public async Task<TenantProvisioner.Result> CreateAsync(string name, string adminEmail, CancellationToken ct = default)
    {
        try
        {
            return await provisioner.CreateAsync(name, adminEmail, ct: ct);
        }
        finally
        {
            db.Tenant.Set(null); // the provisioner worked inside the new tenant; the operator stays outside every tenant
        }
    }

    /// <summary>
    /// Suspends (<paramref name="suspend"/>) or resumes a tenant; false for an unknown id. A suspended tenant's people are
    /// signed out at their next request and cannot sign in; its API keys are refused. Its data stays as it is.
    /// </summary>
    public async Task<bool> SetSuspendedAsync(Guid tenantId, bool suspend, CancellationToken ct = default)
    {
        DateTimeOffset? at = suspend ? clock.GetUtcNow() : null;
        var changed = await db.Tenants.Where(t => t.Id == tenantId && (t.SuspendedAt == null) == suspend)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.SuspendedAt, at), ct);
        if (changed > 0)
            await audit.WriteForTenantAsync(tenantId, suspend ? SuspendedAction : ResumedAction, "tenant", tenantId.ToString(), "platform operator", ct);
        return changed > 0 || await db.Tenants.AnyAsync(t => t.Id == tenantId, ct);
    }
}
