using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// The first worksheet of an XLSX workbook read forward, one row at a time, straight from the sheet's XML: memory holds
/// one row, the styles and the shared strings read so far (loaded only as far as the rows need them), never the workbook.
/// Cells come as the spreadsheet's own text: shared and inline strings as written, integral numbers as plain digits (a
/// phone typed as a number is <c>79161234567</c>, whatever its display format), other numbers in invariant form, numbers
/// under a date format as <c>yyyy-MM-dd</c> (with the time when there is one), booleans as <c>TRUE</c>/<c>FALSE</c>,
/// formulas as their text with <c>=</c> (never evaluated). Call <see cref="XlsxGuard.Check"/> on the stream first.
/// </summary>
internal sealed class XlsxSheetReader : IDisposable
{
    private static readonly XmlReaderSettings Xml = new()
    {
        DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = false, IgnoreComments = true, CloseInput = true,
    };

    private readonly ZipArchive _zip;
    private readonly ZipArchiveEntry _sheet;
    private readonly HashSet<int> _dateStyles;
    private readonly SharedStrings _strings;

    /// <exception cref="ImportFormatException">Not a workbook with a worksheet.</exception>
    public XlsxSheetReader(Stream seekable)
    {
        _zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
        _sheet = _zip.GetEntry(FirstSheetPath()) ?? throw new ImportFormatException("workbook has no worksheet");
        _dateStyles = DateStyles();
        _strings = new SharedStrings(_zip.GetEntry("xl/sharedStrings.xml"));
    }

    /// <summary>The sheet's declared width (its <c>dimension</c>), 0 when it declares none.</summary>
    public int DeclaredColumns { get; private set; }

    /// <summary>Every row element in order: its number and its cells (index = column − 1; missing cells are empty).</summary>
    public IEnumerable<(int Row, List<string> Cells)> Rows()
    {
        using var xml = XmlReader.Create(_sheet.Open(), Xml);
        var rowNumber = 0;
        while (xml.Read())
        {
            // Local names only: a workbook saved as Strict OOXML uses other namespaces for the same elements.
            if (xml.NodeType != XmlNodeType.Element) continue;
            if (xml.LocalName == "dimension")
            {
                DeclaredColumns = DimensionWidth(xml.GetAttribute("ref"));
            }
            else if (xml.LocalName == "row")
            {
                rowNumber = int.TryParse(xml.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : rowNumber + 1;
                yield return (rowNumber, xml.IsEmptyElement ? [] : ReadRow(xml));
            }
        }
    }

    public void Dispose()
    {
        _strings.Dispose();
        _zip.Dispose();
    }

    // The readers below share one pattern: on return the reader stands on the element's last node (its end tag, or the
    // element itself when empty), and a loop advances with Read() only where a method did not already move past a child.
    private List<string> ReadRow(XmlReader xml)
    {
        var cells = new List<string>();
        var depth = xml.Depth;
        xml.Read();
        while (!xml.EOF && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "c")
            {
                var column = ColumnIndex(xml.GetAttribute("r")) ?? cells.Count;
                var text = ReadCell(xml);
                while (cells.Count < column) cells.Add("");
                if (cells.Count == column) cells.Add(text);
                else cells[column] = text;
            }

            xml.Read();
        }

        return cells;
    }

    private string ReadCell(XmlReader xml)
    {
        var type = xml.GetAttribute("t");
        var style = int.TryParse(xml.GetAttribute("s"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (xml.IsEmptyElement) return "";
        string? value = null, formula = null, inline = null;
        var depth = xml.Depth;
        xml.Read();
        while (!xml.EOF && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName is "v" or "f")
            {
                var name = xml.LocalName;
                // A shared formula's other cells carry no text of their own: "=" alone still says it was a formula.
                var text = "";
                if (xml.IsEmptyElement) xml.Read();
                else text = xml.ReadElementContentAsString(); // moves past the child's end tag
                if (name == "v") value = text;
                else formula = text;
                continue;
            }

            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "is") inline = ReadStringItem(xml);
            xml.Read();
        }

        if (formula is not null) return formula.StartsWith('=') ? formula : "=" + formula;
        return type switch
        {
            "s" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? _strings.Get(i) : "",
            "inlineStr" => inline ?? "",
            "b" => value == "1" ? "TRUE" : value == "0" ? "FALSE" : value ?? "",
            "str" or "e" or "d" => value ?? "",
            _ => NumberText(value, _dateStyles.Contains(style)),
        };
    }

    private static string NumberText(string? value, bool date)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d)) return value;
        if (date && d is >= 0 and < 2958466)
        {
            var oa = DateTime.FromOADate(d);
            var at = new DateTime((oa.Ticks + TimeSpan.TicksPerSecond / 2) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Unspecified);
            return at.TimeOfDay == TimeSpan.Zero
                ? at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        }

        return Math.Abs(d) < 1e17 && d == Math.Floor(d)
            ? ((long)d).ToString(CultureInfo.InvariantCulture)
            : d.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The text of a string item (<c>si</c> or <c>is</c>): its <c>t</c>, or its rich-text runs joined; phonetic hints left out.</summary>
    private static string ReadStringItem(XmlReader xml)
    {
        if (xml.IsEmptyElement) return "";
        var text = new StringBuilder();
        var depth = xml.Depth;
        xml.Read();
        while (!xml.EOF && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "rPh")
            {
                xml.Skip();
                continue;
            }

            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "t")
            {
                if (xml.IsEmptyElement) xml.Read();
                else text.Append(xml.ReadElementContentAsString());
                continue;
            }

            xml.Read();
        }

        return text.ToString();
    }

    /// <summary>"B12" → 1 (zero-based column); null when absent or unreadable.</summary>
    private static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        var column = 0;
        var letters = 0;
        foreach (var ch in reference)
        {
            var upper = char.ToUpperInvariant(ch);
            if (upper is < 'A' or > 'Z') break;
            column = column * 26 + (upper - 'A' + 1);
            if (++letters > 3) return null;
        }

        return letters == 0 ? null : column - 1;
    }

    /// <summary>"A1:F1000" → 6.</summary>
    private static int DimensionWidth(string? reference)
    {
        var last = reference?.Split(':')[^1];
        return ColumnIndex(last) is { } index ? index + 1 : 0;
    }

    /// <summary>The first sheet of <c>xl/workbook.xml</c>, through its relationship; the usual name when the workbook says nothing.</summary>
    private string FirstSheetPath()
    {
        const string fallback = "xl/worksheets/sheet1.xml";
        string? relationId = null;
        if (_zip.GetEntry("xl/workbook.xml") is { } workbook)
        {
            using var xml = XmlReader.Create(workbook.Open(), Xml);
            while (xml.Read())
            {
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "sheet")
                {
                    relationId = RelationshipId(xml);
                    break;
                }
            }
        }

        if (relationId is null || _zip.GetEntry("xl/_rels/workbook.xml.rels") is not { } rels) return fallback;
        using var relsXml = XmlReader.Create(rels.Open(), Xml);
        while (relsXml.Read())
        {
            if (relsXml.NodeType != XmlNodeType.Element || relsXml.LocalName != "Relationship" || relsXml.GetAttribute("Id") != relationId) continue;
            var target = relsXml.GetAttribute("Target");
            if (string.IsNullOrEmpty(target)) return fallback;
            return target.StartsWith('/') ? target.TrimStart('/') : "xl/" + target;
        }

        return fallback;
    }

    /// <summary>The sheet's <c>r:id</c>, whichever prefix and namespace (transitional or strict) the workbook gives it.</summary>
    private static string? RelationshipId(XmlReader xml)
    {
        while (xml.MoveToNextAttribute())
        {
            if (xml.LocalName == "id" && xml.Prefix.Length > 0) return xml.Value;
        }

        return null;
    }

    /// <summary>Indexes of the cell formats (<c>cellXfs</c>) whose number format shows a date or a time.</summary>
    private HashSet<int> DateStyles()
    {
        var dates = new HashSet<int>();
        if (_zip.GetEntry("xl/styles.xml") is not { } styles) return dates;
        var customDates = new HashSet<int>();
        using var xml = XmlReader.Create(styles.Open(), Xml);
        var inCellFormats = false;
        var index = 0;
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "numFmt"
                && int.TryParse(xml.GetAttribute("numFmtId"), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && IsDateFormat(xml.GetAttribute("formatCode")))
            {
                customDates.Add(id);
            }
            else if (xml.LocalName == "cellXfs")
            {
                inCellFormats = xml.NodeType == XmlNodeType.Element && !xml.IsEmptyElement;
            }
            else if (inCellFormats && xml.NodeType == XmlNodeType.Element && xml.LocalName == "xf")
            {
                var format = int.TryParse(xml.GetAttribute("numFmtId"), NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : 0;
                if (IsBuiltInDate(format) || customDates.Contains(format)) dates.Add(index);
                index++;
            }
        }

        return dates;
    }

    /// <summary>The built-in number formats that are dates or times (ECMA-376 §18.8.30, with the East Asian ones).</summary>
    private static bool IsBuiltInDate(int id) => id is (>= 14 and <= 22) or (>= 27 and <= 36) or (>= 45 and <= 47) or (>= 50 and <= 58);

    /// <summary>A custom format code with a date or time part once quoted text, escapes and bracketed sections are set aside.</summary>
    internal static bool IsDateFormat(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Equals("General", StringComparison.OrdinalIgnoreCase)) return false;
        var quoted = false;
        var bracket = false;
        for (var i = 0; i < code.Length; i++)
        {
            var ch = code[i];
            if (ch == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (ch == '\\') i++;
            else if (ch == '[') bracket = true;
            else if (ch == ']') bracket = false;
            else if (!bracket && "yYmMdDhHsS".Contains(ch)) return true;
        }

        return false;
    }

    /// <summary>The shared-string table read forward only as far as a row asks: a sheet's first rows need its first strings.</summary>
    private sealed class SharedStrings(ZipArchiveEntry? entry) : IDisposable
    {
        private readonly List<string> _items = [];
        private XmlReader? _xml;
        private bool _ended = entry is null;

        public string Get(int index)
        {
            while (_items.Count <= index && !_ended) ReadNext();
            return index < _items.Count ? _items[index] : "";
        }

        public void Dispose() => _xml?.Dispose();

        private void ReadNext()
        {
            _xml ??= XmlReader.Create(entry!.Open(), Xml);
            while (_xml.Read())
            {
                if (_xml.NodeType == XmlNodeType.Element && _xml.LocalName == "si")
                {
                    _items.Add(ReadStringItem(_xml));
                    return;
                }
            }

            _ended = true;
        }
    }
}
