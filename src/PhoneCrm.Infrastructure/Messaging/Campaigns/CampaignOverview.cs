using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Analytics;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

public sealed record CampaignOverviewItem(Campaign Campaign, CampaignStats Stats)
{
    public CampaignRates Rates => Stats.Rates;
}

/// <summary>The marketer's dashboard: what is going out now, what is scheduled, and how the last campaigns did.</summary>
public sealed record CampaignOverview(IReadOnlyList<CampaignOverviewItem> Running, IReadOnlyList<Campaign> Scheduled,
    IReadOnlyList<CampaignOverviewItem> Recent, FlagThresholds Thresholds);

/// <summary>Reads the few campaigns the dashboard shows (at most <see cref="PerList"/> per list) with their figures.</summary>
public sealed class CampaignOverviewQueries(PhoneCrmDbContext db, CampaignReports reports, Analytics.AnalyticsSettingsStore settings)
{
    public const int PerList = 5;

    public async Task<CampaignOverview> OverviewAsync(CancellationToken ct = default)
    {
        var campaigns = db.Campaigns.AsNoTracking();
        var running = await campaigns.Where(c => c.Status == CampaignStatus.Sending || c.Status == CampaignStatus.Paused)
            .OrderByDescending(c => c.StartedAt).Take(PerList).ToListAsync(ct);
        var scheduled = await campaigns.Where(c => c.Status == CampaignStatus.Scheduled)
            .OrderBy(c => c.SendAt).Take(PerList).ToListAsync(ct);
        var recent = await campaigns.Where(c => c.Status == CampaignStatus.Completed)
            .OrderByDescending(c => c.CompletedAt).Take(PerList).ToListAsync(ct);
        return new CampaignOverview(await WithFiguresAsync(running, ct), scheduled, await WithFiguresAsync(recent, ct),
            (await settings.GetAsync(ct)).Thresholds);
    }

    private async Task<List<CampaignOverviewItem>> WithFiguresAsync(List<Campaign> list, CancellationToken ct)
    {
        var items = new List<CampaignOverviewItem>(list.Count);
        foreach (var c in list)
        {
            items.Add(new CampaignOverviewItem(c, await reports.StatsAsync(c, ct)));
        }

        return items;
    }
}
