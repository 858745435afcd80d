using System.Security.Cryptography;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// Versioned AES-256 data-encryption keys (one active) plus the single blind-index key.
/// From configuration when <c>Protection:Keys</c> is set, otherwise from a key file generated on first start.
/// </summary>
/// <remarks>
/// The index key never rotates: changing it requires recomputing every blind index.
/// Rotation is in-process only; other running instances must restart to learn a new key before it is
/// used for writes, and only one process should rotate at a time.
/// </remarks>
public sealed class PiiKeyRing
{
    private readonly Lock _gate = new();
    private readonly string? _keyFile;
    private volatile PiiKeySet _keys;

    private PiiKeyRing(PiiKeySet keys, string? keyFile)
    {
        _keys = keys;
        _keyFile = keyFile;
    }

    public string ActiveKeyId => _keys.ActiveKeyId;

    public IReadOnlyCollection<string> KeyIds => _keys.Keys.Keys;

    /// <summary>Full path of the backing key file, or null when keys came from configuration or tests.</summary>
    public string? KeyFile => _keyFile;

    internal PiiKeySet Keys => _keys;

    public static PiiKeyRing Load(ProtectionOptions options, string defaultKeyFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Keys is { Count: > 0 } || !string.IsNullOrEmpty(options.IndexKey))
            return new PiiKeyRing(PiiKeySet.FromOptions(options, "Configuration"), keyFile: null);

        var path = Path.GetFullPath(string.IsNullOrEmpty(options.KeyFile) ? defaultKeyFile : options.KeyFile);
        return new PiiKeyRing(PiiKeyFile.LoadOrCreate(path), path);
    }

    public static PiiKeyRing CreateForTests() => new(PiiKeySet.Generate(), keyFile: null);

    /// <summary>Generates a random key with the next free id (k2, k3, …), makes it active and returns the id.</summary>
    public string Rotate()
    {
        string? keyId = null;
        Update(keys => keys.WithActiveKey(keyId = keys.NextKeyId(), RandomNumberGenerator.GetBytes(PiiKeySet.KeySize)));
        return keyId!;
    }

    /// <summary>Adds a key and makes it active; persisted first when the ring is file-backed.</summary>
    public void AddActiveKey(string keyId, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(key);
        var copy = key.ToArray();
        Update(keys => keys.WithActiveKey(keyId, copy));
    }

    private void Update(Func<PiiKeySet, PiiKeySet> change)
    {
        lock (_gate)
        {
            if (_keyFile is null)
            {
                _keys = change(_keys);
                return;
            }
            using var fileLock = PiiKeyFile.Lock(_keyFile);
            var next = change(Merged(_keyFile));
            // Durable before use: a value encrypted with a key that never reached disk is lost.
            PiiKeyFile.Save(_keyFile, next);
            _keys = next;
        }
    }

    // Picks up keys another process added to the file, so saving does not drop them.
    private PiiKeySet Merged(string keyFile)
    {
        var current = _keys;
        if (!File.Exists(keyFile))
            return current;
        var onDisk = PiiKeyFile.Read(keyFile);
        if (!CryptographicOperations.FixedTimeEquals(onDisk.IndexKey, current.IndexKey))
            throw new InvalidOperationException($"Key file {keyFile} has a different index key; refusing to merge.");
        var keys = new Dictionary<string, byte[]>(current.Keys, StringComparer.Ordinal);
        foreach (var (id, key) in onDisk.Keys)
        {
            if (keys.TryGetValue(id, out var mine) && !CryptographicOperations.FixedTimeEquals(mine, key))
                throw new InvalidOperationException($"Key file {keyFile} has different material for key id '{id}'.");
            keys[id] = key;
        }
        return new PiiKeySet(current.ActiveKeyId, keys, current.IndexKey);
    }
}
