using System.IO.Compression;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// Refuses a workbook whose ZIP would unpack to far more than it weighs (a "zip bomb") before any parser opens it: the
/// central directory alone is read (sizes as declared), and the parser then reads at most what was declared. Limits:
/// <see cref="MaxUnpackedBytes"/> in all, <see cref="MaxEntries"/> entries, and a compression ratio of at most
/// <see cref="MaxRatio"/> per entry (real spreadsheets stay far below: repetitive XML compresses about 10–20×).
/// </summary>
public static class XlsxGuard
{
    public const long MaxUnpackedBytes = 200L << 20;
    public const int MaxEntries = 10_000;
    public const int MaxRatio = 200;
    public const string Refused = "the workbook unpacks to far more than its size (a zip bomb?); save it again from Excel or export it as CSV";

    /// <exception cref="ImportFormatException">The workbook is refused.</exception>
    public static void Check(Stream seekable)
    {
        ArgumentNullException.ThrowIfNull(seekable);
        var start = seekable.Position;
        try
        {
            using var zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > MaxEntries) throw new ImportFormatException(Refused);
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (total > MaxUnpackedBytes) throw new ImportFormatException(Refused);
                if (entry.Length > 1 << 20 && entry.Length > (long)MaxRatio * Math.Max(1, entry.CompressedLength)) throw new ImportFormatException(Refused);
            }
        }
        catch (InvalidDataException)
        {
            throw new ImportFormatException("the file is not a readable Excel workbook");
        }
        finally
        {
            seekable.Position = start;
        }
    }
}
