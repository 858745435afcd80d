using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Tenancy;

/// <summary>
/// The shape shared by the per-tenant background loops (import recovery, campaign sweeper, SMS delivery sweeper,
/// automations): a pass at start and then every <see cref="Interval"/>; a pass that fails on the database is logged and
/// retried on the next tick; a pass visits tenants, each in its own DI scope set to that tenant
/// (<see cref="InTenantAsync{T}"/>), optionally under a per-tenant session advisory lock so that two nodes never work one
/// tenant at once.
/// </summary>
public abstract class TenantLoopService(IServiceScopeFactory scopes, ILogger logger) : BackgroundService
{
    protected ILogger Logger => logger;

    /// <summary>Read again after every pass, so a configuration change applies from the next tick.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>True: passes start at a fixed rate (<see cref="PeriodicTimer"/>); false: the loop waits <see cref="Interval"/> after each pass.</summary>
    protected virtual bool FixedRate => true;

    /// <summary>One pass over the tenants.</summary>
    protected abstract Task RunPassAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!FixedRate)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await GuardedPassAsync(stoppingToken);
                try
                {
                    await Task.Delay(Interval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            return;
        }

        using var timer = new PeriodicTimer(Interval);
        do
        {
            await GuardedPassAsync(stoppingToken);
            timer.Period = Interval;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task GuardedPassAsync(CancellationToken ct)
    {
        try
        {
            await RunPassAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or DbUpdateException)
        {
            logger.LogWarning(e, "{Loop} pass failed; retrying on the next tick", GetType().Name);
        }
    }

    /// <summary>Every tenant's id.</summary>
    protected async Task<List<Guid>> TenantIdsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PhoneCrmDbContext>().Tenants.AsNoTracking().Select(t => t.Id).ToListAsync(ct);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a new scope whose tenant is <paramref name="tenantId"/>. With a lock, the work runs
    /// only while this session holds it (<see cref="AdvisoryLock.TryRunAsync"/>); when another session holds it, nothing
    /// runs and the result is <c>default</c>.
    /// </summary>
    protected async Task<T?> InTenantAsync<T>(Guid tenantId, AdvisoryLock? exclusive,
        Func<IServiceProvider, PhoneCrmDbContext, Task<T>> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PhoneCrmDbContext>();
        db.Tenant.Set(tenantId);
        if (exclusive is null) return await work(scope.ServiceProvider, db);

        var result = default(T);
        await exclusive.TryRunAsync(db, async _ => result = await work(scope.ServiceProvider, db), ct);
        return result;
    }
}
