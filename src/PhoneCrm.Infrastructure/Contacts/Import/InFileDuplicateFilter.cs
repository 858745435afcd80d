using System.Globalization;
using PhoneCrm.Domain.Contacts;

namespace PhoneCrm.Infrastructure.Contacts.Import;

/// <summary>
/// Remembers the numbers seen so far in one file (as 64-bit integers: ~24 bytes per number, 1M numbers ≈ 24 MB),
/// so that a later row with the same E.164 in any written form counts as a <c>duplicate</c>. Feed rows in file order.
/// Not thread-safe. A job resumed after a crash must re-feed the rows before its checkpoint (or dedupe in staging).
/// </summary>
public sealed class InFileDuplicateFilter
{
    private readonly HashSet<long> _seen = [];

    public int Count => _seen.Count;

    /// <summary>True the first time a number is seen; false for a duplicate.</summary>
    public bool Add(NormalizedPhone phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        return _seen.Add(long.Parse(phone.E164.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture));
    }
}
