using PhoneCrm.Infrastructure.Dashboard;

namespace PhoneCrm.Web.Features.Dashboard;

/// <summary>Dashboard: the landing page's figures.</summary>
public static class DashboardModule
{
    public static IServiceCollection AddDashboardModule(this IServiceCollection services)
    {
        services.AddScoped<DashboardQueries>();
        return services;
    }
}
