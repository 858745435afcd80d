using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace PhoneCrm.Infrastructure.Hygiene.LineStatus;

public static class LineStatusServiceCollectionExtensions
{
    public const string ProviderKey = "Hygiene:LineStatus:Provider";

    /// <summary>The line-status provider named by <c>Hygiene:LineStatus:Provider</c> (<c>Simulator</c> by default, or <c>Smsc</c>).</summary>
    public static IServiceCollection AddLineStatusProviders(this IServiceCollection services)
    {
        services.AddScoped<SimulatorLineStatusProvider>();
        // A look-up only reads: every transient failure may be retried.
        services.AddHttpClient<SmscLineStatusProvider>(SmscLineStatusProvider.HttpClientName)
            .AddResilienceHandler("smsc-hlr", b =>
            {
                b.AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(500), BackoffType = DelayBackoffType.Exponential, UseJitter = true });
                b.AddTimeout(TimeSpan.FromSeconds(30));
            });
        services.AddScoped<ILineStatusProvider>(sp => string.Equals(sp.GetRequiredService<IConfiguration>()[ProviderKey], LineStatusProviderNames.Smsc,
                StringComparison.OrdinalIgnoreCase)
            ? sp.GetRequiredService<SmscLineStatusProvider>()
            : sp.GetRequiredService<SimulatorLineStatusProvider>());
        return services;
    }
}
