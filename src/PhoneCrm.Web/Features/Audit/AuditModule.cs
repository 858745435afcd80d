using PhoneCrm.Infrastructure.Audit;

namespace PhoneCrm.Web.Features.Audit;

/// <summary>Audit: the append-only log and who the current actor is.</summary>
public static class AuditModule
{
    public static IServiceCollection AddAuditModule(this IServiceCollection services)
    {
        services.AddScoped<AuditActor>();
        services.AddScoped<AuditLog>();
        return services;
    }
}
