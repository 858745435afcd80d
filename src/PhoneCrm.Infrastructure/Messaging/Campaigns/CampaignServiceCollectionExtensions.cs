using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

public static class CampaignServiceCollectionExtensions
{
    /// <summary>Send policy, sending settings, campaigns and their dispatch; the sweeper only on job-server nodes.</summary>
    public static IServiceCollection AddCampaigns(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<SendingSettingsService>();
        services.AddScoped<SendPolicyService>();
        services.AddScoped<ICampaignScheduler, HangfireCampaignScheduler>();
        services.AddScoped<CampaignService>();
        services.AddScoped<CampaignPlanner>();
        services.AddScoped<CampaignReports>();
        // A campaign's figures are the analytics capability's (one definition of rates and attribution).
        services.AddScoped<Analytics.AnalyticsSettingsStore>();
        services.AddScoped<Analytics.AnalyticsFigures>();
        services.AddMemoryCache(); // the analytics page's live figures, for a minute (AnalyticsFigures.Request.CacheLive)
        services.AddScoped<CampaignOverviewQueries>();
        services.AddScoped<CampaignDispatcher>();
        services.AddScoped<ShortLinks>();
        services.AddScoped<CampaignJobs>();
        services.AddScoped<CampaignTestSender>();
        if (config.GetValue("Jobs:Server", true)) services.AddHostedService<CampaignSweeper>();
        return services;
    }
}
