using PhoneCrm.Infrastructure.Platform;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Web.Features.Platform;

/// <summary>
/// Platform: what runs the installation rather than a tenant — platform operators (CLI <c>operator create</c>), sealed
/// backups (CLI <c>backup</c>/<c>restore</c>), the
/// tenants list, PII key rotation and the Hangfire dashboard (<c>/jobs</c>, mapped in Hosting/Pipeline). Every page
/// needs <c>Permission.PlatformOperations</c>, which no tenant role or API scope holds; others get 404.
/// </summary>
public static class PlatformModule
{
    public static IServiceCollection AddPlatformModule(this IServiceCollection services)
    {
        services.AddScoped<PlatformOperators>();
        services.AddScoped<PlatformTenants>();
        services.AddScoped<PiiRotation>();
        services.AddScoped<BlindIndexMigration>();
        services.AddSingleton(BlindIndexMigration.Definition);
        services.AddScoped<PiiTenantBinding>();
        services.AddSingleton(PiiTenantBinding.Definition);
        services.AddSingleton<DatabaseBackup>();
        return services;
    }
}
