namespace PhoneCrm.Infrastructure.Hygiene.LineStatus;

/// <summary>What the network says about a number (an HLR look-up or the like).</summary>
public enum LineState
{
    Unknown = 0,
    Active,
    Disconnected,
    Invalid,
}

/// <summary>
/// Asks a line-status service about many numbers in one call (<c>Hygiene:LineStatus:Provider</c>: <c>Simulator</c>, the
/// default, or <c>Smsc</c>). A number the service does not answer for is <see cref="LineState.Unknown"/>: the job leaves it
/// alone and asks again next quarter.
/// </summary>
public interface ILineStatusProvider
{
    string Name { get; }

    /// <param name="e164">Numbers in E.164 (<c>+7…</c>).</param>
    /// <returns>A state for every number asked about.</returns>
    Task<IReadOnlyDictionary<string, LineState>> CheckAsync(IReadOnlyCollection<string> e164, CancellationToken ct);
}

public static class LineStatusProviderNames
{
    public const string Simulator = "Simulator";
    public const string Smsc = "Smsc";
}
