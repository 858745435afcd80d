using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Automations;
using PhoneCrm.Infrastructure.Messaging.Campaigns;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>Messaging: the SMS engine and providers, templates, campaigns and automations (loops on job-server nodes only).</summary>
public static class MessagingModule
{
    public static IServiceCollection AddMessagingModule(this IServiceCollection services, IConfiguration config, bool jobServer)
    {
        services.AddScoped<MessageTemplates>();
        services.AddScoped<AutomationSettings>();
        services.AddScoped<AutomationScheduler>();
        services.AddScoped<AutomationRunner>();
        services.AddSingleton<AutomationWorker>();
        if (jobServer) services.AddHostedService(sp => sp.GetRequiredService<AutomationWorker>());
        services.AddCampaigns(config);
        services.AddMessaging(config, jobServer);
        return services;
    }
}
