using PhoneCrm.Infrastructure.Segments;

namespace PhoneCrm.Web.Features.Segments;

/// <summary>Segments: rules, counts, samples and snapshots.</summary>
public static class SegmentsModule
{
    public static IServiceCollection AddSegmentsModule(this IServiceCollection services)
    {
        services.AddScoped<SegmentService>();
        return services;
    }
}
