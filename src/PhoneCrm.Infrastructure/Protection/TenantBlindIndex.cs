using System.Security.Cryptography;
using System.Text;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// One tenant's blind indexes at one version (see <see cref="BlindIndex"/> for the scheme). Version 2 values are
/// <c>2 ‖ HMAC(K_t, global index)[..16]</c>; version 1 values are the global index itself, for a tenant whose stored data
/// the migration has not reached yet. Obtain from <see cref="BlindIndex.ForTenantAsync"/> (the tenant's current version).
/// </summary>
public sealed class TenantBlindIndex : IDisposable
{
    private readonly BlindIndex _root;
    // The tenant keys are derived once here; the HMAC contexts are reused per thread (not thread-safe).
    private readonly ThreadLocal<IncrementalHash> _bind;
    private readonly ThreadLocal<IncrementalHash> _tombstone;

    internal TenantBlindIndex(BlindIndex root, Guid tenantId, int version)
    {
        _root = root;
        TenantId = tenantId;
        Version = version;
        // K_t: also the key of version-1 tombstones (see BlindIndex remarks), which is why its label says "tombstone".
        var tenantKey = Derive(root.IndexKey, "tombstone:" + tenantId.ToString("N"));
        var tombstoneKey = Derive(root.IndexKey, "erasure-tombstone:" + tenantId.ToString("N"));
        _bind = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, tenantKey), trackAllValues: true);
        _tombstone = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, tombstoneKey), trackAllValues: true);
    }

    public Guid TenantId { get; }

    /// <summary><see cref="BlindIndex.LegacyVersion"/> or <see cref="BlindIndex.TenantBoundVersion"/>.</summary>
    public int Version { get; }

    private bool Bound => Version == BlindIndex.TenantBoundVersion;

    /// <summary>Digits of an E.164 number; <c>+79161234567</c> and <c>79161234567</c> index the same.</summary>
    public byte[] Phone(string e164) => Out(_root.GlobalPhone(e164));

    /// <summary>The number's last four digits, for partial search (see <see cref="BlindIndex.PhoneSuffixLength"/>).</summary>
    public byte[] PhoneSuffix(string e164) => Out(_root.GlobalPhoneSuffix(e164));

    /// <summary>Case- and whitespace-insensitive.</summary>
    public byte[] Email(string email) => Out(_root.GlobalEmail(email));

    /// <summary>Index of one whole name word, normalised like <see cref="BlindIndex.TokenizeName"/>.</summary>
    public byte[] NameToken(string token) => Out(_root.GlobalNameToken(token));

    /// <summary>
    /// What a typed search word is looked up by: a two-letter word by the whole word (a name like «Ли»), a longer one by
    /// its beginning (up to <see cref="BlindIndex.MaxPrefix"/> letters). Null for a word too short to search.
    /// </summary>
    public byte[]? NameSearch(string word) => _root.GlobalNameSearch(word) is { } global ? Out(global) : null;

    /// <summary>The search entries of a name: each word whole, and each of its beginnings of
    /// <see cref="BlindIndex.MinPrefix"/>..<see cref="BlindIndex.MaxPrefix"/> letters (a separate domain, so a beginning never equals a word).</summary>
    public IReadOnlyList<byte[]> NameTokens(string? firstName, string? lastName)
    {
        var tokens = _root.GlobalNameTokens(firstName, lastName);
        if (Bound)
        {
            for (var i = 0; i < tokens.Count; i++) tokens[i] = Bind(tokens[i]);
        }
        return tokens;
    }

    /// <summary>
    /// Erasure tombstone of a number: a keyed hash of its <see cref="Phone"/> index under a tenant key. None equals an
    /// index, so a tombstone links the erased person to nothing; it is computed from the index, so the send policy checks a
    /// contact's number without decrypting it. Follows the index's version, told by its length: of a version-2 index
    /// <c>2 ‖ HMAC(K2_t, index)</c> (33 bytes), of a version-1 index <c>HMAC(K_t, index)</c> (32 bytes).
    /// </summary>
    public byte[] Tombstone(byte[] phoneIndex)
    {
        ArgumentNullException.ThrowIfNull(phoneIndex);
        if (phoneIndex.Length == BlindIndex.LegacySize) return Hmac(_bind, phoneIndex, HMACSHA256.HashSizeInBytes);
        return [(byte)BlindIndex.TenantBoundVersion, .. Hmac(_tombstone, phoneIndex, HMACSHA256.HashSizeInBytes)];
    }

    /// <summary>Length of a version-2 tombstone.</summary>
    public const int TombstoneSize = 1 + HMACSHA256.HashSizeInBytes;

    /// <summary>Length of a version-1 tombstone.</summary>
    public const int LegacyTombstoneSize = HMACSHA256.HashSizeInBytes;

    /// <summary>The tenant-bound (version 2) form of a stored version-1 index; for the migration, no plaintext needed.</summary>
    public byte[] Bind(byte[] legacyIndex)
    {
        ArgumentNullException.ThrowIfNull(legacyIndex);
        var mac = Hmac(_bind, legacyIndex, BlindIndex.LegacySize);
        return [(byte)BlindIndex.TenantBoundVersion, .. mac];
    }

    /// <summary>
    /// The version-2 tombstone of an erased number from its version-1 tombstone <c>HMAC(K_t, G)</c>: its first 16 bytes are
    /// <c>HMAC(K_t, G)[..16]</c>, the number's version-2 index without the version byte — the number itself is gone.
    /// </summary>
    public byte[] BindTombstone(byte[] legacyTombstone)
    {
        ArgumentNullException.ThrowIfNull(legacyTombstone);
        if (legacyTombstone.Length != LegacyTombstoneSize)
            throw new ArgumentException("Not a version-1 tombstone.", nameof(legacyTombstone));
        return Tombstone([(byte)BlindIndex.TenantBoundVersion, .. legacyTombstone.AsSpan(0, BlindIndex.LegacySize)]);
    }

    public void Dispose()
    {
        foreach (var local in new[] { _bind, _tombstone })
        {
            foreach (var hmac in local.Values) hmac.Dispose();
            local.Dispose();
        }
    }

    private byte[] Out(byte[] global) => Bound ? Bind(global) : global;

    private static byte[] Hmac(ThreadLocal<IncrementalHash> hmacs, ReadOnlySpan<byte> data, int length)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var hmac = hmacs.Value!;
        hmac.AppendData(data);
        hmac.GetHashAndReset(mac);
        return mac[..length].ToArray();
    }

    private static byte[] Derive(byte[] indexKey, string label) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, indexKey, HMACSHA256.HashSizeInBytes, salt: [], info: Encoding.UTF8.GetBytes(label));
}
