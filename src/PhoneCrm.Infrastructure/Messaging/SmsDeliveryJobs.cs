using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging.Simulator;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>
/// Hangfire entry point: deliver one batch of a tenant's queued messages (a batch per job, never one per message). The job
/// runs for its <c>tenantId</c> argument (<see cref="TenantJobFilter"/>).
/// </summary>
public sealed class SmsDeliveryJobs(SmsDelivery delivery)
{
    [Queue("critical")]
    [AutomaticRetry(Attempts = 5, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public Task DeliverAsync(Guid tenantId, Guid[] messageIds, CancellationToken ct) => delivery.DeliverAsync(messageIds, ct);

    public static string Enqueue(IBackgroundJobClient jobs, Guid tenantId, IReadOnlyList<Guid> messageIds)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var ids = messageIds.ToArray();
        return jobs.Enqueue<SmsDeliveryJobs>(j => j.DeliverAsync(tenantId, ids, CancellationToken.None));
    }
}

/// <summary>
/// Makes every queued message converge: re-delivers retries whose time has come and messages whose job never ran (a
/// crash), and runs the simulator's delivery receipts. Tenants with work in this process are visited every
/// <c>Sms:Delivery:SweepIntervalMs</c>; all tenants every <c>Sms:Delivery:FullScanSeconds</c> (and at start-up).
/// </summary>
public sealed class SmsDeliverySweeper(
    IServiceScopeFactory scopes, SmsWorkSignal signal, IOptionsMonitor<SmsOptions> options, ILogger<SmsDeliverySweeper> logger)
    : TenantLoopService(scopes, logger)
{
    private const int MaxRoundsPerTenant = 20;
    private DateTimeOffset _lastFullScan = DateTimeOffset.MinValue;

    /// <summary>A pause after each sweep (not a fixed rate): a long sweep is followed by a full interval of rest.</summary>
    protected override bool FixedRate => false;

    protected override TimeSpan Interval => TimeSpan.FromMilliseconds(Math.Max(50, options.CurrentValue.Delivery.SweepIntervalMs));

    protected override Task RunPassAsync(CancellationToken ct)
    {
        var full = DateTimeOffset.UtcNow - _lastFullScan >= TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.Delivery.FullScanSeconds));
        if (full) _lastFullScan = DateTimeOffset.UtcNow;
        return SweepAsync(full, ct);
    }

    /// <summary>One pass; <paramref name="allTenants"/> also visits tenants this process knows nothing about.</summary>
    public async Task SweepAsync(bool allTenants, CancellationToken ct)
    {
        var tenants = new HashSet<Guid>(signal.Drain());
        if (allTenants) tenants.UnionWith(await TenantIdsAsync(ct));

        foreach (var tenantId in tenants)
        {
            try
            {
                if (await SweepTenantAsync(tenantId, ct)) signal.Touch(tenantId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                signal.Touch(tenantId);
                Logger.LogWarning(e, "SMS delivery sweep failed for tenant {TenantId}", tenantId);
            }
        }
    }

    /// <summary>Returns true while the tenant still has queued messages or pending simulator receipts.</summary>
    private Task<bool> SweepTenantAsync(Guid tenantId, CancellationToken ct) => InTenantAsync(tenantId, null, async (sp, db) =>
    {
        // A suspended tenant's queue waits (the full scan finds it again after the resume).
        if (await db.IsSuspendedAsync(tenantId, ct)) return false;
        var delivery = sp.GetRequiredService<SmsDelivery>();
        var batch = Math.Max(1, options.CurrentValue.Delivery.BatchSize);
        for (var round = 0; round < MaxRoundsPerTenant; round++)
        {
            var due = await delivery.DueAsync(batch, ct);
            if (due.Count == 0) break;
            await delivery.DeliverAsync(due, ct);
            if (due.Count < batch) break;
        }

        var receiptsPending = await sp.GetRequiredService<SimulatorReceipts>().ReportDueAsync(ct);
        var queued = await db.SmsMessages.AnyAsync(m => m.Status == SmsStatus.Queued, ct);
        return receiptsPending || queued;
    }, ct);
}
