using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Audit;

/// <summary>Who is acting in the current unit of work, as the audit log records it. Set by the web layer or a job.</summary>
public sealed class AuditActor
{
    public Guid? UserId { get; set; }
    public string Name { get; set; } = "system";
    public string? Ip { get; set; }
}

/// <summary>
/// Appends to the audit log. Writes with its own statement so it never flushes the caller's pending changes.
/// </summary>
public sealed class AuditLog(PhoneCrmDbContext db, AuditActor actor)
{
    public Task WriteAsync(string action, string entityType, string? entityIds = null, string? details = null,
        CancellationToken ct = default) =>
        WriteForTenantAsync(db.Tenant.RequireTenant(), action, entityType, entityIds, details, ct);

    /// <summary>
    /// Also for events that happen before a tenant is chosen (a failed sign-in), recorded under the user's tenant:
    /// the row-level-security setting is switched for this one statement and restored in the same batch.
    /// </summary>
    public Task WriteForTenantAsync(Guid tenantId, string action, string entityType, string? entityIds = null,
        string? details = null, CancellationToken ct = default)
    {
        var current = db.Tenant.TenantId?.ToString() ?? "";
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            SELECT set_config('app.tenant_id', {tenantId.ToString()}, false);
            INSERT INTO audit_log (tenant_id, at, user_id, actor, action, entity_type, entity_ids, ip, details)
            VALUES ({tenantId}, {DateTimeOffset.UtcNow}, {actor.UserId}, {actor.Name}, {action}, {entityType},
                    {entityIds}, {actor.Ip}, {details});
            SELECT set_config('app.tenant_id', {current}, false);
            """, ct);
    }
}
