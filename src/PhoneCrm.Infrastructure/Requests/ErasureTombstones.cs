using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>
/// The suppression tombstones of erased numbers (<see cref="ErasureTombstone"/>): written by <see cref="ContactErasure"/>,
/// never deleted, asked by the send policy (a tombstoned number gets no marketing, whichever path brought it back) and
/// by imports (a tombstoned number is rejected).
/// </summary>
public sealed class ErasureTombstones(PhoneCrmDbContext db, BlindIndex index, TimeProvider clock)
{
    public const string ImportRejection = "The person asked for erasure of their data: this number is not imported again.";

    public byte[] HashOf(byte[] phoneIndex) => index.Tombstone(db.Tenant.RequireTenant(), phoneIndex);

    public async Task AddAsync(byte[] phoneIndex, CancellationToken ct)
    {
        var tenantId = db.Tenant.RequireTenant();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO erasure_tombstones (tenant_id, phone_hash, created_at) VALUES ({tenantId}, {HashOf(phoneIndex)}, {clock.GetUtcNow()})
            ON CONFLICT DO NOTHING
            """, ct);
    }

    public async Task<bool> IsTombstonedAsync(byte[] phoneIndex, CancellationToken ct)
    {
        var hash = HashOf(phoneIndex);
        return await db.ErasureTombstones.AnyAsync(t => t.PhoneHash == hash, ct);
    }

    /// <summary>Which of these numbers' indexes are tombstoned (one query for a batch of any size).</summary>
    public async Task<HashSet<byte[]>> TombstonedAsync(IReadOnlyCollection<byte[]> phoneIndexes, CancellationToken ct)
    {
        var result = new HashSet<byte[]>(ByteArrayComparer.Instance);
        if (phoneIndexes.Count == 0 || !await db.ErasureTombstones.AnyAsync(ct)) return result;
        var byHash = new Dictionary<byte[], byte[]>(ByteArrayComparer.Instance);
        foreach (var pi in phoneIndexes) byHash.TryAdd(HashOf(pi), pi);
        var hashes = byHash.Keys.ToList();
        var found = await db.ErasureTombstones.AsNoTracking().Where(t => hashes.Contains(t.PhoneHash)).Select(t => t.PhoneHash).ToListAsync(ct);
        foreach (var h in found) result.Add(byHash[h]);
        return result;
    }
}

/// <summary>Equality of byte arrays by content (hash sets of indexes and hashes).</summary>
public sealed class ByteArrayComparer : IEqualityComparer<byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
