using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace PhoneCrm.Web.Hosting.Pdf;

/// <summary>
/// The one way documents are printed (consent proofs, access reports, message proofs): a cursor over A4 pages in DejaVu
/// (Cyrillic, embedded) that wraps by words (and inside over-long words) and starts a new page when full.
/// </summary>
public sealed class PdfPageWriter : IDisposable
{
    private const double Margin = 40;
    private static readonly XPdfFontOptions _unicode = new(PdfFontEncoding.Unicode);
    private readonly PdfDocument _document;
    private XGraphics? _gfx;
    private PdfPage? _page;
    private double _y;

    private PdfPageWriter(PdfDocument document)
    {
        _document = document;
        NewPage();
    }

    /// <summary>A new document titled <paramref name="title"/>; the fonts come from <c>Pdf:FontDirectory</c> or the system's DejaVu.</summary>
    public static PdfPageWriter Open(IConfiguration config, string title)
    {
        DejaVuFontResolver.Install(config["Pdf:FontDirectory"] ?? DejaVuFontResolver.DefaultDirectory);
        var document = new PdfDocument();
        document.Info.Title = title;
        document.Info.Creator = "PhoneCrm";
        return new PdfPageWriter(document);
    }

    /// <summary>Finishes the last page and returns the document's bytes.</summary>
    public byte[] ToBytes()
    {
        _gfx?.Dispose();
        _gfx = null;
        using var stream = new MemoryStream();
        _document.Save(stream, false);
        return stream.ToArray();
    }

    public void Dispose()
    {
        _gfx?.Dispose();
        _document.Dispose();
    }

    public XFont Title { get; } = new(DejaVuFontResolver.Family, 16, XFontStyleEx.Bold, _unicode);
    public XFont Heading { get; } = new(DejaVuFontResolver.Family, 12, XFontStyleEx.Bold, _unicode);
    public XFont Bold { get; } = new(DejaVuFontResolver.Family, 9, XFontStyleEx.Bold, _unicode);
    public XFont Body { get; } = new(DejaVuFontResolver.Family, 9, XFontStyleEx.Regular, _unicode);
    public XFont Small { get; } = new(DejaVuFontResolver.Family, 8, XFontStyleEx.Regular, _unicode);
    public XFont Mono { get; } = new(DejaVuFontResolver.Family, 7.5, XFontStyleEx.Regular, _unicode);

    private double Width => _page!.Width.Point - 2 * Margin;

    public void Text(string text, XFont font)
    {
        var height = font.GetHeight() * 1.15;
        foreach (var paragraph in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            foreach (var line in Wrap(paragraph, font))
            {
                if (_y + height > _page!.Height.Point - Margin) NewPage();
                _gfx!.DrawString(line, font, XBrushes.Black, new XRect(Margin, _y, Width, height), XStringFormats.TopLeft);
                _y += height;
            }
        }
    }

    public void Gap(double points) => _y += points;

    public void Rule()
    {
        if (_y + 4 > _page!.Height.Point - Margin) NewPage();
        _gfx!.DrawLine(XPens.Gray, Margin, _y, Margin + Width, _y);
        _y += 4;
    }

    private IEnumerable<string> Wrap(string paragraph, XFont font)
    {
        if (paragraph.Length == 0)
        {
            yield return "";
            yield break;
        }

        var line = "";
        foreach (var word in paragraph.Split(' '))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (_gfx!.MeasureString(candidate, font).Width <= Width)
            {
                line = candidate;
                continue;
            }

            if (line.Length > 0) yield return line;
            line = word;
            while (_gfx.MeasureString(line, font).Width > Width && line.Length > 1)
            {
                var fit = line.Length - 1;
                while (fit > 1 && _gfx.MeasureString(line[..fit], font).Width > Width) fit--;
                yield return line[..fit];
                line = line[fit..];
            }
        }

        if (line.Length > 0) yield return line;
    }

    private void NewPage()
    {
        _gfx?.Dispose();
        _page = _document.AddPage();
        _page.Size = PdfSharp.PageSize.A4;
        _gfx = XGraphics.FromPdfPage(_page);
        _y = Margin;
    }
}
