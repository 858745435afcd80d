using System.Security.Cryptography;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// Versioned AES-256 data-encryption keys (one active) plus the single blind-index key.
/// From configuration when <c>Protection:Keys</c> is set, otherwise from a key file generated on first start.
/// </summary>
/// <remarks>
/// The index key never rotates: changing it requires recomputing every blind index.
/// Rotation writes the new key to the key file (fsynced, atomic rename) before anything is encrypted with it; with keys
/// from configuration it is refused (<see cref="ConfigurationRunbook"/>), since a key only in this process's memory
/// would be lost at restart together with everything encrypted under it. Every node sharing the key file picks a new
/// ring up without restart: <see cref="Refresh"/> re-reads the file when it changed — on a timer
/// (<see cref="PiiKeyRingReloader"/>) and at once when a value names a key id this node does not know yet.
/// </remarks>
public sealed class PiiKeyRing
{
    /// <summary>What an operator does instead when keys come from configuration (shown on the page, thrown by <see cref="Rotate"/>).</summary>
    public const string ConfigurationRunbook =
        "Keys come from configuration (Protection:Keys), so this node cannot persist a new key and rotation here is refused: " +
        "a key held only in memory would be lost at restart with everything encrypted under it. To rotate: " +
        "1) generate a key (32 random bytes, base64: openssl rand -base64 32) and add it as Protection:Keys:<newId> to every node's " +
        "configuration, keeping the old keys; restart the nodes one by one; " +
        "2) when every node knows it, set Protection:ActiveKeyId=<newId> everywhere and restart them one by one; " +
        "3) press \"Re-encrypt stored data\" on this page and wait until the old key protects 0 values; " +
        "4) only then remove the old key from the configuration.";

    private readonly Lock _gate = new();
    private readonly string? _keyFile;
    private volatile PiiKeySet _keys;
    private (DateTime WrittenAt, long Length) _fileStamp;

    private PiiKeyRing(PiiKeySet keys, string? keyFile, bool fromConfiguration)
    {
        _keys = keys;
        _keyFile = keyFile;
        FromConfiguration = fromConfiguration;
        if (keyFile is not null) _fileStamp = Stamp(keyFile);
    }

    /// <summary>Keys came from <c>Protection:*</c> configuration: rotation is the operator's (see <see cref="ConfigurationRunbook"/>).</summary>
    public bool FromConfiguration { get; }

    public string ActiveKeyId => _keys.ActiveKeyId;

    public IReadOnlyCollection<string> KeyIds => _keys.Keys.Keys;

    /// <summary>Full path of the backing key file, or null when keys came from configuration or tests.</summary>
    public string? KeyFile => _keyFile;

    internal PiiKeySet Keys => _keys;

    public static PiiKeyRing Load(ProtectionOptions options, string defaultKeyFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Keys is { Count: > 0 } || !string.IsNullOrEmpty(options.IndexKey))
            return new PiiKeyRing(PiiKeySet.FromOptions(options, "Configuration"), keyFile: null, fromConfiguration: true);

        var path = Path.GetFullPath(string.IsNullOrEmpty(options.KeyFile) ? defaultKeyFile : options.KeyFile);
        return new PiiKeyRing(PiiKeyFile.LoadOrCreate(path), path, fromConfiguration: false);
    }

    public static PiiKeyRing CreateForTests() => new(PiiKeySet.Generate(), keyFile: null, fromConfiguration: false);

    /// <summary>
    /// Generates a random key with the next free id (k2, k3, …), persists it, makes it active and returns the id.
    /// </summary>
    /// <exception cref="PiiRotationRefusedException">Keys come from configuration.</exception>
    public string Rotate()
    {
        if (FromConfiguration) throw new PiiRotationRefusedException(ConfigurationRunbook);
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
            _fileStamp = Stamp(_keyFile);
            _keys = next;
        }
    }

    /// <summary>
    /// Re-reads the key file if it changed since this node last read or wrote it (another node rotated): adds the keys
    /// it holds and takes its active key. True when the ring changed. Keys are only ever added, never dropped here.
    /// </summary>
    public bool Refresh()
    {
        if (_keyFile is null || Stamp(_keyFile) == _fileStamp) return false;
        lock (_gate)
        {
            var stamp = Stamp(_keyFile);
            if (stamp == _fileStamp) return false;
            var onDisk = PiiKeyFile.Read(_keyFile);
            var merged = Merged(_keyFile);
            _keys = new PiiKeySet(onDisk.ActiveKeyId, merged.Keys, merged.IndexKey);
            _fileStamp = stamp;
            return true;
        }
    }

    private static (DateTime, long) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : default;
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

/// <summary>Rotation cannot be done safely here (keys from configuration); the message is the runbook.</summary>
public sealed class PiiRotationRefusedException(string message) : InvalidOperationException(message);
