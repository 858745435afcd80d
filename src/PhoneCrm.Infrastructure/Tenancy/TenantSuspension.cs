using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Tenancy;

/// <summary>
/// What a platform operator's suspension stops: sign-in and API keys, the public capture forms (anonymous SMS codes cost
/// money) and every outgoing SMS, which stays queued and goes out on resume. It never stops what the law asks of the
/// tenant's data: opt-outs and preference pages, subject requests (accepted, deadlines counted; their SMS wait with the
/// rest), retention and the other recurring jobs keep running.
/// </summary>
public static class TenantSuspension
{
    public static Task<bool> IsSuspendedAsync(this PhoneCrmDbContext db, Guid tenantId, CancellationToken ct) =>
        db.Tenants.AsNoTracking().AnyAsync(t => t.Id == tenantId && t.SuspendedAt != null, ct);
}
