using System.Collections.Concurrent;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>
/// Tenants with SMS work pending in this process (queued messages, retries, simulator receipts). The sweeper visits these
/// often and every tenant only now and then (work left by a crashed process), so idle tenants cost nothing.
/// </summary>
public sealed class SmsWorkSignal
{
    private readonly ConcurrentDictionary<Guid, byte> _tenants = new();

    public void Touch(Guid tenantId) => _tenants[tenantId] = 0;

    public IReadOnlyList<Guid> Drain()
    {
        var snapshot = _tenants.Keys.ToList();
        foreach (var t in snapshot) _tenants.TryRemove(t, out _);
        return snapshot;
    }
}
