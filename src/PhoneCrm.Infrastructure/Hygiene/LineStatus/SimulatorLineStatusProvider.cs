using Microsoft.Extensions.Configuration;

namespace PhoneCrm.Infrastructure.Hygiene.LineStatus;

/// <summary>
/// Answers from configuration, for development and tests: <c>Hygiene:LineStatus:Simulator:Prefixes:{prefix}</c> =
/// <c>active|disconnected|invalid|unknown</c>; the longest matching prefix wins, any other number is active.
/// </summary>
public sealed class SimulatorLineStatusProvider(IConfiguration config) : ILineStatusProvider
{
    public const string PrefixesSection = "Hygiene:LineStatus:Simulator:Prefixes";

    public string Name => LineStatusProviderNames.Simulator;

    public Task<IReadOnlyDictionary<string, LineState>> CheckAsync(IReadOnlyCollection<string> e164, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(e164);
        // Configuration keys cannot hold '+' reliably in every source (environment variables), so prefixes match with or without it.
        var prefixes = config.GetSection(PrefixesSection).GetChildren()
            .Select(s => (Prefix: s.Key.TrimStart('+'), State: Enum.TryParse<LineState>(s.Value, ignoreCase: true, out var state) ? state : LineState.Unknown))
            .OrderByDescending(p => p.Prefix.Length).ToList();
        IReadOnlyDictionary<string, LineState> result = e164.Distinct().ToDictionary(n => n, n =>
            prefixes.FirstOrDefault(p => n.TrimStart('+').StartsWith(p.Prefix, StringComparison.Ordinal)) is { Prefix: not null } hit ? hit.State : LineState.Active);
        return Task.FromResult(result);
    }
}
