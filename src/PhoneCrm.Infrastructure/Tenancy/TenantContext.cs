namespace PhoneCrm.Infrastructure.Tenancy;

/// <summary>
/// Who the current unit of work runs for. Set once per request (from the cookie or API key) or per job.
/// Every database connection opened in the scope carries these values to PostgreSQL row-level security.
/// </summary>
public sealed class TenantContext
{
    public Guid? TenantId { get; private set; }
    public Guid? UserId { get; private set; }

    public void Set(Guid? tenantId, Guid? userId = null)
    {
        TenantId = tenantId;
        UserId = userId;
    }

    public Guid RequireTenant() =>
        TenantId ?? throw new InvalidOperationException("No tenant is set for this unit of work.");
}
