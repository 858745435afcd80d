using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using PhoneCrm.Infrastructure.Database;

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

/// <summary>Registers the Requests capability's recurring jobs with their fixed ids when the host starts.</summary>
public sealed class RequestsRecurringJobs(IRecurringJobManager recurring, IConfiguration config) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<DestructionActsPurgeJob>(DestructionActsPurgeJob.Id, j => j.RunAsync(CancellationToken.None),
            config[$"Hygiene:Schedules:{DestructionActsPurgeJob.Id}"] ?? Cron.Daily());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
