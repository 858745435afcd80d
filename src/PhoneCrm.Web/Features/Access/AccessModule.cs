using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Web.Features.Access;

/// <summary>Access: tenants, users and API keys. Sign-in and permissions are wired by the host (Hosting/ServiceRegistration).</summary>
public static class AccessModule
{
    public static IServiceCollection AddAccessModule(this IServiceCollection services)
    {
        services.AddScoped<ApiKeyService>();
        services.AddScoped<AccountEvents>();
        services.AddHttpContextAccessor(); // the claims factory reads a tenant switch's choice and the current cookie
        services.AddScoped<CurrentTenant>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<TenantProvisioner>();
        services.AddScoped<DemoSeeder>();
        return services;
    }
}
