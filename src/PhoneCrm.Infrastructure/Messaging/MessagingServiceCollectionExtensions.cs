using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Infrastructure.Messaging.Http;
using PhoneCrm.Infrastructure.Messaging.Providers;
using PhoneCrm.Infrastructure.Messaging.Simulator;

namespace PhoneCrm.Infrastructure.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>The SMS engine: outbox, delivery, providers, receipts; the sweeper only on job-server nodes.</summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration config, bool jobServer)
    {
        services.Configure<SmsOptions>(config.GetSection(SmsOptions.Section));
        services.AddSingleton<SmsWorkSignal>();
        services.AddScoped<SmsSettingsStore>();
        services.AddScoped<SmsOutbox>();
        services.AddScoped<SmsAnswers>();
        services.AddScoped<SmsDelivery>();
        services.AddScoped<SmsDeliveryJobs>();
        services.AddScoped<SmsStatusUpdater>();
        services.AddScoped<SmsProviderResolver>();
        services.AddScoped<InboundSmsService>();
        services.AddScoped<NumberChangeService>();
        services.AddScoped<SmsHistory>();
        services.AddScoped<ISmsProvider, SimulatorSmsProvider>();
        services.AddScoped<SimulatorReceipts>();
        services.AddHttpSmsProviders();
        services.AddSingleton<ProviderCallbackTokens>();
        services.AddScoped<ProviderCallbacks>();
        services.AddScoped<SimulatorOutbox>();
        if (jobServer) services.AddHostedService<SmsDeliverySweeper>();
        return services;
    }
}
