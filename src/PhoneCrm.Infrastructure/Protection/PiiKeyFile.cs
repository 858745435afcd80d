using System.Text.Json;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// The generated key file. Losing it loses every encrypted value, so it is never regenerated once it
/// exists, and it is only ever replaced by an atomic rename of a fully written, fsynced temp file.
/// </summary>
internal static class PiiKeyFile
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;
    private static readonly JsonSerializerOptions _json = new() { WriteIndented = true };

    public static PiiKeySet LoadOrCreate(string path)
    {
        if (File.Exists(path))
            return Read(path);

        var created = PiiKeySet.Generate();
        var temp = WriteTemp(path, created);
        try
        {
            // No-overwrite move is a hard link on Unix: exactly one concurrent starter wins.
            File.Move(temp, path, overwrite: false);
            return created;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return Read(path);
        }
    }

    /// <summary>Atomically replaces the file (rename over it).</summary>
    public static void Save(string path, PiiKeySet keys) => File.Move(WriteTemp(path, keys), path, overwrite: true);

    public static PiiKeySet Read(string path)
    {
        // A loser of the creation race may see the file before a copy-fallback finishes: retry briefly.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var options = JsonSerializer.Deserialize<ProtectionOptions>(File.ReadAllText(path), _json)
                    ?? throw new JsonException("empty");
                return PiiKeySet.FromOptions(options, $"Key file {path}");
            }
            catch (JsonException) when (attempt < 20)
            {
                Thread.Sleep(50);
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException(
                    $"Key file {path} is corrupt. Restore it from backup; a new key cannot decrypt existing data.", e);
            }
        }
    }

    private static string WriteTemp(string path, PiiKeySet keys)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(directory);
            else
                Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }

        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnlyFile;
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, keys.ToOptions(), _json);
            stream.Flush(flushToDisk: true);
        }
        return temp;
    }
}
