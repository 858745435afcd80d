using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

/// <summary>Hangfire entry points: plan a campaign, run one batch, pick an A/B winner. All idempotent.</summary>
public sealed class CampaignJobs(PhoneCrmDbContext db, CampaignService campaigns, CampaignDispatcher dispatcher, IBackgroundJobClient jobs)
{
    [Queue("bulk")]
    [AutomaticRetry(Attempts = 10)]
    public async Task PlanAsync(Guid tenantId, Guid campaignId, CancellationToken ct)
    {
        db.Tenant.Set(tenantId);
        var batches = await campaigns.PlanAsync(campaignId, ct);
        await EnqueueDueAsync(tenantId, campaignId, batches, ct);
    }

    [Queue("default")]
    [AutomaticRetry(Attempts = 10)]
    public Task RunBatchAsync(Guid tenantId, Guid campaignId, int batch, CancellationToken ct) =>
        dispatcher.RunBatchAsync(tenantId, campaignId, batch, ct);

    /// <summary>Winner by click-through (clicking recipients / sent; a tie keeps A); the held rest gets it.</summary>
    [Queue("default")]
    [AutomaticRetry(Attempts = 10)]
    public async Task DecideAsync(Guid tenantId, Guid campaignId, CancellationToken ct)
    {
        db.Tenant.Set(tenantId);
        var c = await db.Campaigns.SingleOrDefaultAsync(x => x.Id == campaignId, ct);
        if (c is null || c.Winner is not null || c.Status != CampaignStatus.Sending) return;
        var stats = await campaigns.VariantStatsAsync(campaignId, ct);
        static double Ctr(VariantStats s) => s.Sent == 0 ? 0 : (double)s.Clicks / s.Sent;
        var winner = Ctr(stats[1]) > Ctr(stats[0]) ? CampaignVariants.B : CampaignVariants.A;
        var size = campaigns.BatchSize;
        var perBatch = c.ThrottlePerMinute is { } t ? Math.Min(size, t) : size;
        var spacing = c.ThrottlePerMinute is { } tpm ? 60.0 * perBatch / tpm : 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE campaign_recipients r SET outcome = 'pending', variant = {winner}, batch = x.b, updated_at = now()
            FROM (SELECT contact_id, (SELECT coalesce(max(batch), -1) + 1 FROM campaign_batches WHERE campaign_id = {campaignId})
                         + ((row_number() OVER (ORDER BY contact_id) - 1) / {perBatch})::int AS b
                  FROM campaign_recipients WHERE campaign_id = {campaignId} AND outcome = 'held') x
            WHERE r.campaign_id = {campaignId} AND r.contact_id = x.contact_id AND r.outcome = 'held'
            """, ct);
        await InsertBatchesAsync(db, campaignId, spacing, ct);
        c.Winner = winner;
        c.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await EnqueueDueAsync(tenantId, campaignId, await campaigns.UndoneBatchesAsync(campaignId, ct), ct);
    }

    /// <summary>Batches for recipients that have a batch number but no batch row yet.</summary>
    public static Task<int> InsertBatchesAsync(PhoneCrmDbContext db, Guid campaignId, double spacing, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO campaign_batches (tenant_id, campaign_id, batch, due_at, updated_at)
            SELECT app_current_tenant(), {campaignId}, b, now() + make_interval(secs => (b - min(b) OVER ()) * {spacing}), now()
            FROM (SELECT DISTINCT batch AS b FROM campaign_recipients r WHERE r.campaign_id = {campaignId} AND r.batch IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM campaign_batches cb WHERE cb.campaign_id = r.campaign_id AND cb.batch = r.batch)) x
            ON CONFLICT DO NOTHING
            """, ct);

    private async Task EnqueueDueAsync(Guid tenantId, Guid campaignId, IReadOnlyList<int> batches, CancellationToken ct)
    {
        var due = await db.CampaignBatches.AsNoTracking().Where(b => b.CampaignId == campaignId && b.DoneAt == null && batches.Contains(b.Batch))
            .Select(b => new { b.Batch, b.DueAt }).ToListAsync(ct);
        var now = DateTimeOffset.UtcNow;
        foreach (var b in due)
        {
            if (b.DueAt <= now) EnqueueBatch(jobs, tenantId, campaignId, b.Batch);
            else jobs.Schedule<CampaignJobs>(j => j.RunBatchAsync(tenantId, campaignId, b.Batch, CancellationToken.None), b.DueAt);
        }

        // A campaign whose audience is empty (or all held) may already be complete.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await CampaignDispatcher.CompleteIfDoneAsync((NpgsqlConnection)db.Database.GetDbConnection(), campaignId, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public static string EnqueuePlan(IBackgroundJobClient jobs, Guid tenantId, Guid campaignId) =>
        jobs.Enqueue<CampaignJobs>(j => j.PlanAsync(tenantId, campaignId, CancellationToken.None));

    public static string EnqueueBatch(IBackgroundJobClient jobs, Guid tenantId, Guid campaignId, int batch) =>
        jobs.Enqueue<CampaignJobs>(j => j.RunBatchAsync(tenantId, campaignId, batch, CancellationToken.None));

    public static string EnqueueDecide(IBackgroundJobClient jobs, Guid tenantId, Guid campaignId) =>
        jobs.Enqueue<CampaignJobs>(j => j.DecideAsync(tenantId, campaignId, CancellationToken.None));
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
                await SweepTenantAsync(db, sp.GetRequiredService<CampaignService>(), sp.GetRequiredService<IBackgroundJobClient>(), tenantId, now,
                    stale, ct);
                return true;
            }, ct);
        }
    }

    private async Task SweepTenantAsync(PhoneCrmDbContext db, CampaignService campaigns, IBackgroundJobClient jobs, Guid tenantId, DateTimeOffset now,
        DateTimeOffset stale, CancellationToken ct)
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
                if (c.UpdatedAt < stale && await TouchAsync(db, c.Id, stale, ct)) CampaignJobs.EnqueuePlan(jobs, tenantId, c.Id);
                continue;
            }

            await ReplanDeferredAsync(db, jobs, tenantId, c, now, Math.Max(1, config.GetValue("Campaigns:BatchSize", 1000)), ct);
            if (c.DecideAt is { } decideAt && decideAt <= now && c.Winner is null) CampaignJobs.EnqueueDecide(jobs, tenantId, c.Id);

            var stalled = await db.CampaignBatches.AsNoTracking()
                .Where(b => b.CampaignId == c.Id && b.DoneAt == null && b.DueAt < stale && b.UpdatedAt < stale).Select(b => b.Batch).ToListAsync(ct);
            foreach (var b in stalled)
            {
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"UPDATE campaign_batches SET updated_at = now() WHERE campaign_id = {c.Id} AND batch = {b}", ct);
                Logger.LogInformation("Re-enqueuing batch {Batch} of campaign {CampaignId}", b, c.Id);
                CampaignJobs.EnqueueBatch(jobs, tenantId, c.Id, b);
            }

            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await CampaignDispatcher.CompleteIfDoneAsync((NpgsqlConnection)db.Database.GetDbConnection(), c.Id, ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static async Task<bool> TouchAsync(PhoneCrmDbContext db, Guid campaignId, DateTimeOffset stale, CancellationToken ct) =>
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE campaigns SET updated_at = now() WHERE id = {campaignId} AND updated_at < {stale}", ct) == 1;

    /// <summary>Deferred recipients whose window has opened go back to pending in new batches.</summary>
    private static async Task ReplanDeferredAsync(PhoneCrmDbContext db, IBackgroundJobClient jobs, Guid tenantId, Campaign c, DateTimeOffset now, int size, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE campaign_recipients r SET outcome = 'pending', reason = NULL, batch = x.b, updated_at = now()
            FROM (SELECT contact_id, (SELECT coalesce(max(batch), -1) + 1 FROM campaign_batches WHERE campaign_id = {c.Id})
                         + ((row_number() OVER (ORDER BY contact_id) - 1) / {size})::int AS b
                  FROM campaign_recipients WHERE campaign_id = {c.Id} AND outcome = 'deferred' AND deferred_until <= {now}) x
            WHERE r.campaign_id = {c.Id} AND r.contact_id = x.contact_id AND r.outcome = 'deferred'
            """, ct);
        if (moved == 0)
        {
            await tx.RollbackAsync(ct);
            return;
        }

        await CampaignJobs.InsertBatchesAsync(db, c.Id, 0, ct);
        await tx.CommitAsync(ct);
        var batches = await db.CampaignBatches.AsNoTracking().Where(b => b.CampaignId == c.Id && b.DoneAt == null).Select(b => b.Batch).ToListAsync(ct);
        foreach (var b in batches) CampaignJobs.EnqueueBatch(jobs, tenantId, c.Id, b);
    }
}
