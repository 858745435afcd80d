using PdfSharp.Fonts;

namespace PhoneCrm.Web.Hosting.Pdf;

/// <summary>
/// DejaVu fonts from the system (Debian's fonts-dejavu-core), so Cyrillic renders and the font is embedded in the PDF.
/// PDFsharp's resolver is process-wide and may be set once; <see cref="Install"/> is idempotent.
/// </summary>
public sealed class DejaVuFontResolver(string directory) : IFontResolver
{
    public const string Family = "DejaVu Sans";
    public const string DefaultDirectory = "/usr/share/fonts/truetype/dejavu";
    private static readonly Lock _gate = new();

    public static void Install(string directory)
    {
        lock (_gate)
        {
            if (GlobalFontSettings.FontResolver is DejaVuFontResolver) return;
            if (!File.Exists(Path.Combine(directory, "DejaVuSans.ttf")))
                throw new InvalidOperationException(
                    $"DejaVu fonts not found in {directory}: install fonts-dejavu-core (apt-get install fonts-dejavu-core) or set Pdf:FontDirectory.");
            GlobalFontSettings.FontResolver = new DejaVuFontResolver(directory);
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? "DejaVuSans-Bold" : "DejaVuSans");

    public byte[]? GetFont(string faceName) => File.ReadAllBytes(Path.Combine(directory, faceName + ".ttf"));
}
