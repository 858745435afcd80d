using System.Globalization;
using Microsoft.Extensions.Localization;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using PhoneCrm.Web.Hosting;
using PhoneCrm.Web.Hosting.Api;
namespace PhoneCrm.Web.Features.Consent;

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

/// <summary>The printable proof of consent as PDF (A4): the same content as the HTML document, laid out line by line.</summary>
public sealed class ProofPdf(IConfiguration config, TenantClock clock, IStringLocalizer<SharedResource> t)
{
    private const double Margin = 40;

    public byte[] Render(ConsentProof.BulkProof proof)
    {
        DejaVuFontResolver.Install(config["Pdf:FontDirectory"] ?? DejaVuFontResolver.DefaultDirectory);
        using var document = new PdfDocument();
        document.Info.Title = t["Proof of consent"];
        document.Info.Creator = "PhoneCrm";
        var w = new Writer(document);
        w.Text(t["Proof of consent"], w.Title);
        w.Text($"{t["Generated"]}: {Time(proof.GeneratedAt)} · {proof.Selection}", w.Small);
        w.Text(proof.ChainValid
            ? $"{t["Chain verification"]}: {t["The chain is intact"]} ({string.Format(CultureInfo.CurrentCulture, t["{0} records verified just now."], proof.ChainRecords)})"
            : $"{t["Chain verification"]}: {string.Format(CultureInfo.CurrentCulture, t["Broken from record {0}"], proof.FirstBrokenSeq)}", w.Bold);
        if (proof.NotFound.Count > 0) w.Text($"{t["No contact with these numbers"]}: {string.Join(", ", proof.NotFound)}", w.Body);
        if (proof.NotPhones.Count > 0) w.Text($"{t["Not phone numbers"]}: {string.Join(", ", proof.NotPhones)}", w.Body);
        foreach (var contact in proof.Contacts)
        {
            w.Gap(10);
            w.Rule();
            w.Text($"{t["Contact"]} {contact.Phone}", w.Heading);
            w.Text($"ID {contact.ContactId}", w.Small);
            if (contact.Consents.Count == 0) w.Text(t["No consents recorded for this contact."], w.Body);
            foreach (var i in contact.Consents)
            {
                w.Gap(4);
                w.Text($"#{i.Seq} · {t.Code("consentAction", i.Action)} · {t.Code("purpose", i.Purpose)} · {t.Code("channel", i.Channel)} · "
                    + $"{t["Legal basis"]}: {t.Code("legalBasis", i.LegalBasis)} · {t.Code("consentStatus", i.Status)}", w.Bold);
                var e = i.Evidence;
                w.Text($"{t["Evidence"]}: {t.Code("method", e.Method)} · {t["Captured"]} {Time(e.CapturedAt)} · {t["Recorded"]} {Time(e.RecordedAt)}"
                    + (i.ExpiresAt is { } x ? $" · {t["Expires"]} {Time(x)}" : ""), w.Body);
                if (e.Ip is not null) w.Text($"IP: {e.Ip}", w.Body);
                if (e.UserAgent is not null) w.Text($"User-Agent: {e.UserAgent}", w.Body);
                if (e.SourceUrl is not null) w.Text($"{t["Page"]}: {e.SourceUrl}", w.Body);
                if (e.FormVersion is not null) w.Text($"{t["Form"]}: {e.FormVersion}", w.Body);
                if (e.RecordingId is not null) w.Text($"{t["Recording"]}: {e.RecordingId}", w.Body);
                if (e.PaperReference is not null) w.Text($"{t["Paper"]}: {e.PaperReference}", w.Body);
                if (e.TextHash is not null) w.Text($"{t["Consent text"]}: {e.TextVersionId} · SHA-256 {e.TextHash}", w.Mono);
                w.Text($"{t["Record hash"]}: {i.Hash}", w.Mono);
            }

            foreach (var v in contact.TextVersions)
            {
                w.Gap(8);
                w.Text($"{t["Consent text shown"]} ({v.Id})", w.Heading);
                w.Text($"SHA-256 {v.Hash} · {(v.HashMatches ? t["hash matches the text"] : t["HASH DOES NOT MATCH THE TEXT"])}", w.Mono);
                w.Text($"{t["Operator name"]}: {v.OperatorName}", w.Body);
                w.Text($"{t["Operator address"]}: {v.OperatorAddress}", w.Body);
                w.Text($"{t["Purposes of processing"]}: {v.PurposesText}", w.Body);
                w.Text($"{t["List of personal data"]}: {v.DataList}", w.Body);
                w.Text($"{t["Actions and methods of processing"]}: {v.ActionsAndMethods}", w.Body);
                w.Text($"{t["Term of validity"]}: {v.Term}", w.Body);
                w.Text($"{t["How to withdraw"]}: {v.Withdrawal}", w.Body);
                w.Text(v.Body, w.Body);
            }
        }

        w.Finish();
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private string Time(DateTime utc) => clock.FormatStamp(new DateTimeOffset(utc, TimeSpan.Zero));

    /// <summary>A cursor over A4 pages: wraps by words (and inside over-long words), starts a new page when full.</summary>
    private sealed class Writer
    {
        private static readonly XPdfFontOptions _unicode = new(PdfFontEncoding.Unicode);
        private readonly PdfDocument _document;
        private XGraphics? _gfx;
        private PdfPage? _page;
        private double _y;

        public Writer(PdfDocument document)
        {
            _document = document;
            NewPage();
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

        public void Finish() => _gfx?.Dispose();

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
}
