using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PhoneCrm.Infrastructure.Protection;

public static class ProtectionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PiiKeyRing"/>, <see cref="PiiProtector"/> and <see cref="BlindIndex"/> as singletons.
    /// <paramref name="defaultKeyFile"/> is used when <c>Protection</c> has no keys and no <c>KeyFile</c>.
    /// </summary>
    public static IServiceCollection AddPiiProtection(this IServiceCollection services, IConfiguration config, string defaultKeyFile)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(defaultKeyFile);
        var section = config.GetSection(ProtectionOptions.SectionName);
        services.Configure<ProtectionOptions>(section);
        // The ring lives for the process; rotation goes through PiiKeyRing itself, and other nodes' rotations arrive by PiiKeyRingReloader.
        services.AddSingleton(_ => PiiKeyRing.Load(section.Get<ProtectionOptions>() ?? new ProtectionOptions(), defaultKeyFile));
        services.AddSingleton<PiiProtector>();
        services.AddSingleton<BlindIndex>();
        services.AddHostedService<PiiKeyRingReloader>();
        return services;
    }
}
