using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Messaging.Automations;

/// <summary>
/// Every few seconds (<c>Automations:IntervalSeconds</c>, default 5), for each tenant: schedule runs from new events and
/// birthdays, then process the due runs. A per-tenant advisory lock keeps nodes from working the same tenant at once.
/// </summary>
public sealed class AutomationWorker(IServiceScopeFactory scopes, IConfiguration config, ILogger<AutomationWorker> logger)
    : TenantLoopService(scopes, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(config.GetValue("Automations:IntervalSeconds", 5.0));

    protected override Task RunPassAsync(CancellationToken ct) => PassAsync(ct);

    public async Task PassAsync(CancellationToken ct)
    {
        foreach (var tenantId in await TenantIdsAsync(ct))
        {
            await RunTenantAsync(tenantId, ct);
        }
    }

    public Task RunTenantAsync(Guid tenantId, CancellationToken ct) =>
        InTenantAsync(tenantId, AdvisoryLock.Automations(tenantId), async (sp, db) =>
        {
            await sp.GetRequiredService<AutomationScheduler>().ScheduleAsync(ct);
            var runner = sp.GetRequiredService<AutomationRunner>();
            while (await runner.RunDueAsync(ct) > 0 && !ct.IsCancellationRequested)
            {
                db.ChangeTracker.Clear();
            }

            return true;
        }, ct);
}
