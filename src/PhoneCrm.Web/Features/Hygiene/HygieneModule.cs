using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Infrastructure.Hygiene.LineStatus;

namespace PhoneCrm.Web.Features.Hygiene;

/// <summary>Hygiene: the recurring jobs that keep the base clean (api-v1 "Hygiene jobs"), engagement, base health.</summary>
public static class HygieneModule
{
    public static IServiceCollection AddHygieneModule(this IServiceCollection services)
    {
        services.AddScoped<ContactEngagement>();
        services.AddScoped<HygieneOverview>();
        services.AddScoped<FailedDeliveriesJob>();
        services.AddSingleton(FailedDeliveriesJob.Definition);
        services.AddScoped<EngagementJob>();
        services.AddSingleton(EngagementJob.Definition);
        services.AddScoped<OptOutReconciliationJob>();
        services.AddSingleton(OptOutReconciliationJob.Definition);
        services.AddLineStatusProviders();
        services.AddScoped<ValidateNumbersJob>();
        services.AddSingleton(ValidateNumbersJob.Definition);
        // Re-consent: the job asks, the preferences page (Consent) confirms through Reconsents.
        services.AddScoped<Reconsents>();
        services.AddScoped<ReconsentJob>();
        services.AddSingleton(ReconsentJob.Definition);
        return services;
    }
}
