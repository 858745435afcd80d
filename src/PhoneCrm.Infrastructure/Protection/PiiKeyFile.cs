using System.Text.Json;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// The generated key file. Losing it loses every encrypted value, so it is never regenerated once it
/// exists, and it only ever changes by renaming a fully written, fsynced temp file over it.
/// Creation and rewrites happen under an exclusive lock on <c>{path}.lock</c> (flock on Unix, released
/// if the process dies), because <see cref="File.Move(string, string, bool)"/> without overwrite is
/// check-then-rename on Linux and would let two starting processes each install their own keys.
/// </summary>
internal static class PiiKeyFile
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;
    private static readonly TimeSpan _lockTimeout = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions _json = new() { WriteIndented = true };

    public static PiiKeySet LoadOrCreate(string path)
    {
        if (File.Exists(path))
            return Read(path);

        using var fileLock = Lock(path);
        if (File.Exists(path))
            return Read(path);
        var created = PiiKeySet.Generate();
        Save(path, created);
        return created;
    }

    /// <summary>Atomically replaces the file; call while holding <see cref="Lock"/>.</summary>
    public static void Save(string path, PiiKeySet keys)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        using (var stream = new FileStream(temp, OwnerOnly(FileMode.CreateNew, FileAccess.Write)))
        {
            JsonSerializer.Serialize(stream, keys.ToOptions(), _json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public static PiiKeySet Read(string path)
    {
        ProtectionOptions? options;
        try
        {
            options = JsonSerializer.Deserialize<ProtectionOptions>(File.ReadAllText(path), _json);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException(
                $"Key file {path} is corrupt. Restore it from backup; a new key cannot decrypt existing data.", e);
        }
        return PiiKeySet.FromOptions(options ?? new ProtectionOptions(), $"Key file {path}");
    }

    /// <summary>Cross-process exclusive lock for creating or rewriting the key file.</summary>
    public static IDisposable Lock(string path)
    {
        EnsureDirectory(path);
        var deadline = DateTime.UtcNow + _lockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path + ".lock", OwnerOnly(FileMode.OpenOrCreate, FileAccess.ReadWrite));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    private static FileStreamOptions OwnerOnly(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnlyFile;
        return options;
    }

    private static void EnsureDirectory(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (Directory.Exists(directory))
            return;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(directory);
        else
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
    }
}
