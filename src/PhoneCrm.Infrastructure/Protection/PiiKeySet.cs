using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>Immutable snapshot of the ring: rotation swaps in a new one, so readers never lock.</summary>
internal sealed class PiiKeySet
{
    public const int KeySize = 32;
    /// <summary>Format 1: associated data is the header and the context. Still read; no longer written.</summary>
    public const byte LegacyFormat = 1;
    /// <summary>Format 2 (every new value): associated data is the header, the tenant id and the context.</summary>
    public const byte TenantBoundFormat = 2;
    private const int MaxKeyIdLength = 32;

    public PiiKeySet(string activeKeyId, IReadOnlyDictionary<string, byte[]> keys, byte[] indexKey)
    {
        foreach (var (id, key) in keys)
        {
            ValidateKeyId(id);
            RequireKeySize(key, $"Protection key '{id}'");
        }
        RequireKeySize(indexKey, "Protection:IndexKey");
        if (!keys.TryGetValue(activeKeyId, out var active))
            throw new InvalidOperationException($"Protection:ActiveKeyId '{activeKeyId}' is not among the configured keys.");

        ActiveKeyId = activeKeyId;
        ActiveKey = active;
        Keys = keys.ToFrozenDictionary(StringComparer.Ordinal);
        IndexKey = indexKey;
        // Header of every new ciphertext: format, key-id length, key id (ASCII).
        ActiveHeader = [TenantBoundFormat, (byte)activeKeyId.Length, .. Encoding.ASCII.GetBytes(activeKeyId)];
    }

    public string ActiveKeyId { get; }
    public byte[] ActiveKey { get; }
    public byte[] ActiveHeader { get; }
    public FrozenDictionary<string, byte[]> Keys { get; }
    public byte[] IndexKey { get; }

    public static PiiKeySet Generate() =>
        new("k1", new Dictionary<string, byte[]> { ["k1"] = RandomNumberGenerator.GetBytes(KeySize) },
            RandomNumberGenerator.GetBytes(KeySize));

    public static PiiKeySet FromOptions(ProtectionOptions options, string source)
    {
        if (options.Keys is null or { Count: 0 })
            throw new InvalidOperationException($"{source}: no Protection:Keys.");
        var keys = options.Keys.ToDictionary(k => k.Key, k => Decode(k.Value, $"{source}: Protection:Keys:{k.Key}"), StringComparer.Ordinal);
        var active = options.ActiveKeyId
            ?? (keys.Count == 1 ? keys.Keys.First() : throw new InvalidOperationException($"{source}: Protection:ActiveKeyId is required with several keys."));
        var index = options.IndexKey is { Length: > 0 } i
            ? Decode(i, $"{source}: Protection:IndexKey")
            : throw new InvalidOperationException($"{source}: Protection:IndexKey is required when keys are configured.");
        return new PiiKeySet(active, keys, index);
    }

    public ProtectionOptions ToOptions() => new()
    {
        ActiveKeyId = ActiveKeyId,
        Keys = Keys.ToDictionary(k => k.Key, k => Convert.ToBase64String(k.Value), StringComparer.Ordinal),
        IndexKey = Convert.ToBase64String(IndexKey),
    };

    /// <summary>Same ring with one more key, made active.</summary>
    public PiiKeySet WithActiveKey(string keyId, byte[] key)
    {
        if (Keys.TryGetValue(keyId, out var existing) && !CryptographicOperations.FixedTimeEquals(existing, key))
            throw new InvalidOperationException($"Key id '{keyId}' already exists with different key material.");
        var keys = new Dictionary<string, byte[]>(Keys, StringComparer.Ordinal) { [keyId] = key };
        return new PiiKeySet(keyId, keys, IndexKey);
    }

    /// <summary>Next free id of the form kN.</summary>
    public string NextKeyId()
    {
        var max = Keys.Keys.Select(id => id.Length > 1 && id[0] == 'k' && int.TryParse(id.AsSpan(1), out var n) ? n : 0).DefaultIfEmpty(0).Max();
        return $"k{max + 1}";
    }

    public static void ValidateKeyId(string id)
    {
        // Stored in every ciphertext header as ASCII with a one-byte length.
        if (id.Length is 0 or > MaxKeyIdLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new InvalidOperationException($"Key id '{id}' must be 1–{MaxKeyIdLength} chars of [A-Za-z0-9._-].");
    }

    private static byte[] Decode(string base64, string what)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{what} is not valid base64.");
        }
    }

    private static void RequireKeySize(byte[] key, string what)
    {
        if (key.Length != KeySize)
            throw new InvalidOperationException($"{what} must be {KeySize} bytes (base64 of 32 random bytes).");
    }
}
