using Hangfire;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>
/// Acts of destruction are kept three years (api-v1 "Destruction acts"): the recurring job <see cref="Id"/> (daily,
/// cron configurable as <c>Hygiene:Schedules:destruction-acts-purge</c>) enqueues one purge per tenant, which runs for
/// that tenant (<c>TenantJobFilter</c>) and deletes its acts older than that. Deleting by age is idempotent, so a
/// repeated or resumed run changes nothing more.
/// </summary>
public sealed class DestructionActsPurgeJob(PhoneCrmDbContext db, DestructionActs acts, IBackgroundJobClient jobs)
{
    public const string Id = "destruction-acts-purge";

    public static RecurringJobDefinition Definition { get; } = new(Id, Cron.Daily(), "Deletes acts of destruction older than three years",
        (manager, cron) => manager.AddOrUpdate<DestructionActsPurgeJob>(Id, j => j.RunAsync(CancellationToken.None), cron));

    /// <summary>Platform level: every tenant gets its own job.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var tenants = await db.Tenants.AsNoTracking().Select(t => t.Id).ToListAsync(ct);
        foreach (var tenantId in tenants)
            jobs.Enqueue<DestructionActsPurgeJob>(j => j.PurgeTenantAsync(tenantId, CancellationToken.None));
        return tenants.Count;
    }

    /// <param name="tenantId">Read by <c>TenantJobFilter</c>: the job's scope is this tenant's.</param>
    public Task<int> PurgeTenantAsync(Guid tenantId, CancellationToken ct) => acts.PurgeExpiredAsync(ct);
}
