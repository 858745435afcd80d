using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace PhoneCrm.Infrastructure.Jobs;

/// <summary>
/// A recurring job of api-v1 "Hygiene jobs": its fixed id, default cron, what it does, and how Hangfire starts it.
/// A capability registers one as a singleton; <see cref="RecurringJobRegistrar"/> schedules them all and the CLI
/// (<c>jobs list</c>, <c>jobs run &lt;id&gt;</c>) lists and runs them. Make one with <see cref="PerTenant{TJob}"/>: the job
/// is then an <see cref="ITenantJob"/> run for every tenant by <see cref="TenantJobRunner"/>, which records each run.
/// </summary>
public sealed record RecurringJobDefinition(string Id, string DefaultCron, string Description, Action<IRecurringJobManager, string> Schedule)
{
    /// <summary>The per-tenant work (an <see cref="ITenantJob"/>) when the job is <see cref="PerTenant{TJob}"/>; null for platform-only jobs.</summary>
    public Type? TenantJob { get; init; }

    /// <summary>The schedule: <c>Hygiene:Schedules:{id}</c> when configured, else the default.</summary>
    public string Cron(IConfiguration config) => config[$"Hygiene:Schedules:{Id}"] is { Length: > 0 } configured ? configured : DefaultCron;

    /// <summary>
    /// A job whose work is per tenant: the scheduled method is <see cref="TenantJobRunner.EnqueueTenantsAsync"/> (platform
    /// level), which enqueues <see cref="TenantJobRunner.RunTenantAsync"/> for each tenant; that resolves
    /// <typeparamref name="TJob"/> (register it scoped) and runs it for the job's tenant.
    /// </summary>
    public static RecurringJobDefinition PerTenant<TJob>(string id, string defaultCron, string description) where TJob : ITenantJob =>
        new(id, defaultCron, description,
            (manager, cron) => manager.AddOrUpdate<TenantJobRunner>(id, r => r.EnqueueTenantsAsync(id, CancellationToken.None), cron))
        {
            TenantJob = typeof(TJob),
        };
}

/// <summary>
/// One tenant's work of a recurring job. The tenant is already current when it runs (set by <c>TenantJobFilter</c> from
/// the runner's <c>tenantId</c> argument, or by the runner in the foreground); <paramref name="tenantId"/> is that tenant,
/// for SQL parameters. It must be idempotent (a second run right after changes nothing) and set-based at 1M contacts.
/// </summary>
public interface ITenantJob
{
    Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct);
}

/// <summary>What one tenant's run changed: the total, and the same by kind for the run history (e.g. <c>{"unreachable":3}</c>).</summary>
public sealed record TenantJobResult(int Changed, IReadOnlyDictionary<string, int>? Details = null)
{
    public static TenantJobResult Of(IReadOnlyDictionary<string, int> details)
    {
        ArgumentNullException.ThrowIfNull(details);
        return new(details.Values.Sum(), details);
    }
}

/// <summary>Adds or updates every <see cref="RecurringJobDefinition"/> in Hangfire's storage at start-up, on every node (idempotent).</summary>
public sealed class RecurringJobRegistrar(IEnumerable<RecurringJobDefinition> jobs, IRecurringJobManager manager, IConfiguration config)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var job in jobs) job.Schedule(manager, job.Cron(config));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
