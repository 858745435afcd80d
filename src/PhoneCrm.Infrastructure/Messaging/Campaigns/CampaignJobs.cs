using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

/// <summary>
/// Hangfire entry points (enqueued by <see cref="HangfireCampaignScheduler"/>): each calls one service, for the tenant of
/// its <c>tenantId</c> argument (<see cref="TenantJobFilter"/>). All idempotent.
/// </summary>
public sealed class CampaignJobs(CampaignPlanner planner, CampaignDispatcher dispatcher)
{
    [Queue("bulk")]
    [AutomaticRetry(Attempts = 10)]
    public Task PlanAsync(Guid tenantId, Guid campaignId, CancellationToken ct) => planner.PlanAsync(campaignId, ct);

    [Queue("default")]
    [AutomaticRetry(Attempts = 10)]
    public Task RunBatchAsync(Guid tenantId, Guid campaignId, int batch, CancellationToken ct) =>
        dispatcher.RunBatchAsync(campaignId, batch, ct);

    [Queue("default")]
    [AutomaticRetry(Attempts = 10)]
    public Task DecideAsync(Guid tenantId, Guid campaignId, CancellationToken ct) => planner.DecideWinnerAsync(campaignId, ct);
}

/// <summary>
/// The campaigns' clock and safety net, every few seconds per tenant: starts scheduled campaigns when due, re-plans
/// deferred recipients whose window opened, triggers A/B decisions, and re-enqueues plans and batches a crash left
/// unfinished (each batch re-run is harmless: advisory lock + idempotency keys).
/// </summary>
public sealed class CampaignSweeper(IServiceScopeFactory scopes, IConfiguration config, ILogger<CampaignSweeper> logger)
    : TenantLoopService(scopes, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(config.GetValue("Campaigns:SweepIntervalSeconds", 5.0));
    private TimeSpan StaleAfter => TimeSpan.FromSeconds(config.GetValue("Campaigns:StaleAfterSeconds", 30.0));

    protected override Task RunPassAsync(CancellationToken ct) => SweepAsync(ct);

    public async Task SweepAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var stale = now - StaleAfter;
        foreach (var tenantId in await TenantIdsAsync(ct))
        {
            await InTenantAsync(tenantId, null, async (sp, db) =>
            {
                await SweepTenantAsync(db, sp.GetRequiredService<CampaignService>(), sp.GetRequiredService<CampaignPlanner>(),
                    sp.GetRequiredService<ICampaignScheduler>(), tenantId, now, stale, ct);
                return true;
            }, ct);
        }
    }

    private async Task SweepTenantAsync(PhoneCrmDbContext db, CampaignService campaigns, CampaignPlanner planner, ICampaignScheduler scheduler,
        Guid tenantId, DateTimeOffset now, DateTimeOffset stale, CancellationToken ct)
    {
        var active = await db.Campaigns.AsNoTracking()
            .Where(c => c.Status == CampaignStatus.Scheduled || c.Status == CampaignStatus.Sending).ToListAsync(ct);
        foreach (var c in active)
        {
            if (c.Status == CampaignStatus.Scheduled)
            {
                if (c.SendAt is { } at && at > now) continue;
                await campaigns.StartAsync(c.Id, ct);
                continue;
            }

            var hasBatches = await db.CampaignBatches.AnyAsync(b => b.CampaignId == c.Id, ct);
            if (!hasBatches)
            {
                if (c.UpdatedAt < stale && await TouchAsync(db, c.Id, stale, ct)) scheduler.Plan(tenantId, c.Id);
                continue;
            }

            await planner.ReplanDeferredAsync(c.Id, now, ct);
            if (c.DecideAt is { } decideAt && decideAt <= now && c.Winner is null) scheduler.DecideWinner(tenantId, c.Id);

            var stalled = await db.CampaignBatches.AsNoTracking()
                .Where(b => b.CampaignId == c.Id && b.DoneAt == null && b.DueAt < stale && b.UpdatedAt < stale).Select(b => b.Batch).ToListAsync(ct);
            foreach (var b in stalled)
            {
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"UPDATE campaign_batches SET updated_at = now() WHERE campaign_id = {c.Id} AND batch = {b}", ct);
                Logger.LogInformation("Re-enqueuing batch {Batch} of campaign {CampaignId}", b, c.Id);
                scheduler.RunBatch(tenantId, c.Id, b);
            }

            await CampaignPlanner.CompleteIfDoneAsync(db, c.Id, ct);
        }
    }

    private static async Task<bool> TouchAsync(PhoneCrmDbContext db, Guid campaignId, DateTimeOffset stale, CancellationToken ct) =>
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE campaigns SET updated_at = now() WHERE id = {campaignId} AND updated_at < {stale}", ct) == 1;
}
