using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace PhoneCrm.Infrastructure.Jobs;

/// <summary>
/// A recurring job of api-v1 "Hygiene jobs": its fixed id, default cron, what it does, and how Hangfire starts it (a
/// platform-level method that enumerates tenants and enqueues each tenant's work with its <c>tenantId</c>).
/// A capability registers one as a singleton; <see cref="RecurringJobRegistrar"/> schedules them all.
/// </summary>
public sealed record RecurringJobDefinition(string Id, string DefaultCron, string Description, Action<IRecurringJobManager, string> Schedule)
{
    /// <summary>The schedule: <c>Hygiene:Schedules:{id}</c> when configured, else the default.</summary>
    public string Cron(IConfiguration config) => config[$"Hygiene:Schedules:{Id}"] is { Length: > 0 } configured ? configured : DefaultCron;
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
