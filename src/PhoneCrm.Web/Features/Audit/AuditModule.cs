using PhoneCrm.Infrastructure.Audit;

namespace PhoneCrm.Web.Features.Audit;

/// <summary>Audit: the append-only log, who the current actor is, and the log read back.</summary>
public static class AuditModule
{
    public static IServiceCollection AddAuditModule(this IServiceCollection services)
    {
        services.AddScoped<AuditActor>();
        services.AddScoped<AuditLog>();
        services.AddScoped<AuditQueries>();
        return services;
    }
}
