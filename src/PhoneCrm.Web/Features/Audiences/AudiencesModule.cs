using PhoneCrm.Infrastructure.Audiences;

namespace PhoneCrm.Web.Features.Audiences;

/// <summary>Audiences: ad-audience exports of hashed numbers (api-v1 "Ad audiences") and the analyst's aggregate export.</summary>
public static class AudiencesModule
{
    public static IServiceCollection AddAudiencesModule(this IServiceCollection services)
    {
        services.AddScoped<AudienceExports>();
        services.AddScoped<AudienceExportJobs>();
        services.AddScoped<AggregateExport>();
        return services;
    }
}
