using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PhoneCrm.Infrastructure.Database;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Messaging.Automations;

/// <summary>
/// Every few seconds (<c>Automations:IntervalSeconds</c>, default 5), for each tenant: schedule runs from new events and
/// birthdays, then process the due runs. A per-tenant advisory lock keeps nodes from working the same tenant at once.
/// </summary>
public sealed class AutomationWorker(IServiceScopeFactory scopes, IConfiguration config, ILogger<AutomationWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(config.GetValue("Automations:IntervalSeconds", 5.0)));
        do
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or DbUpdateException or TimeoutException)
            {
                logger.LogWarning(e, "Automation pass failed; retrying on the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task PassAsync(CancellationToken ct)
    {
        List<Guid> tenants;
        await using (var scope = scopes.CreateAsyncScope())
        {
            tenants = await scope.ServiceProvider.GetRequiredService<PhoneCrmDbContext>().Tenants.AsNoTracking().Select(t => t.Id).ToListAsync(ct);
        }

        foreach (var tenantId in tenants)
        {
            await RunTenantAsync(tenantId, ct);
        }
    }

    public async Task RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PhoneCrmDbContext>();
        db.Tenant.Set(tenantId);
        // One connection for the whole pass: the advisory lock is held by this session until it is released.
        await db.Database.OpenConnectionAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        if (await ScalarAsync(conn, "SELECT pg_try_advisory_lock(hashtextextended(@k, 11))", ct, P("k", $"automations:{tenantId}")) is not true)
        {
            return;
        }

        try
        {
            await scope.ServiceProvider.GetRequiredService<AutomationScheduler>().ScheduleAsync(ct);
            var runner = scope.ServiceProvider.GetRequiredService<AutomationRunner>();
            while (await runner.RunDueAsync(ct) > 0 && !ct.IsCancellationRequested)
            {
                db.ChangeTracker.Clear();
            }
        }
        finally
        {
            await ExecAsync(conn, "SELECT pg_advisory_unlock(hashtextextended(@k, 11))", CancellationToken.None, P("k", $"automations:{tenantId}"));
            await db.Database.CloseConnectionAsync();
        }
    }
}
