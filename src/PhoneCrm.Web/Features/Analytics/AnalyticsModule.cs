using PhoneCrm.Infrastructure.Analytics;

namespace PhoneCrm.Web.Features.Analytics;

/// <summary>Analytics (issue 15): campaigns and automations compared, sources, charts, thresholds. The figures' services
/// (<see cref="AnalyticsFigures"/>, <see cref="AnalyticsSettingsStore"/>) are registered with the campaigns, which need them.</summary>
public static class AnalyticsModule
{
    public static IServiceCollection AddAnalyticsModule(this IServiceCollection services)
    {
        services.AddScoped<AnalyticsReports>();
        services.AddScoped<TrackingNumbers>();
        services.AddScoped<ClosedFiguresJob>();
        services.AddSingleton(ClosedFiguresJob.Definition);
        return services;
    }
}
