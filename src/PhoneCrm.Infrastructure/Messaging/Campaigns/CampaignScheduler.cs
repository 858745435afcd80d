using Hangfire;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

/// <summary>
/// How campaign services ask for background work. Services enqueue through it; the jobs it enqueues call the services;
/// no service calls the jobs, so nothing calls back.
/// </summary>
public interface ICampaignScheduler
{
    void Plan(Guid tenantId, Guid campaignId);

    /// <param name="dueAt">Not before this moment; null or past: now.</param>
    void RunBatch(Guid tenantId, Guid campaignId, int batch, DateTimeOffset? dueAt = null);

    void DecideWinner(Guid tenantId, Guid campaignId);
}

/// <summary>The campaigns' work as Hangfire jobs of <see cref="CampaignJobs"/>.</summary>
public sealed class HangfireCampaignScheduler(IBackgroundJobClient jobs, TimeProvider clock) : ICampaignScheduler
{
    public void Plan(Guid tenantId, Guid campaignId) =>
        jobs.Enqueue<CampaignJobs>(j => j.PlanAsync(tenantId, campaignId, CancellationToken.None));

    public void RunBatch(Guid tenantId, Guid campaignId, int batch, DateTimeOffset? dueAt = null)
    {
        if (dueAt is { } at && at > clock.GetUtcNow()) jobs.Schedule<CampaignJobs>(j => j.RunBatchAsync(tenantId, campaignId, batch, CancellationToken.None), at);
        else jobs.Enqueue<CampaignJobs>(j => j.RunBatchAsync(tenantId, campaignId, batch, CancellationToken.None));
    }

    public void DecideWinner(Guid tenantId, Guid campaignId) =>
        jobs.Enqueue<CampaignJobs>(j => j.DecideAsync(tenantId, campaignId, CancellationToken.None));
}
