namespace PhoneCrm.Infrastructure.Messaging.Providers;

/// <summary>Picks the tenant's provider (its settings, else <c>Sms:Provider</c>) among the registered ones.</summary>
public sealed class SmsProviderResolver(IEnumerable<ISmsProvider> providers, SmsSettingsStore settings)
{
    public async Task<ISmsProvider> ForTenantAsync(CancellationToken ct)
    {
        var name = await settings.ProviderNameAsync(ct);
        return providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"Unknown SMS provider '{name}' (Sms:Provider or the tenant's settings).");
    }

    public async Task<bool> IsSimulatorAsync(CancellationToken ct) =>
        string.Equals(await settings.ProviderNameAsync(ct), SmsOptions.SimulatorName, StringComparison.OrdinalIgnoreCase);
}
