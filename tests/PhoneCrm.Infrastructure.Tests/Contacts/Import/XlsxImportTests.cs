using ClosedXML.Excel;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Tests.Contacts.Import;

/// <summary>Alone in its collection: one test measures the process's managed memory, which parallel tests would add to.</summary>
[Collection(nameof(XlsxImportTests))]
public class XlsxImportTests
{
    private static MemoryStream Workbook()
    {
        using var wb = new XLWorkbook();
        var ws = wb.AddWorksheet("Контакты");
        ws.Cell(1, 1).Value = "Телефон";
        ws.Cell(1, 2).Value = "Имя";
        ws.Cell(1, 3).Value = "Дата рождения";
        ws.Cell(1, 4).Value = "Теги";

        ws.Cell(2, 1).Value = 79161234567; // a number cell, General format
        ws.Cell(2, 2).Value = "Иван";
        ws.Cell(2, 3).Value = new DateTime(1985, 3, 15);
        ws.Cell(2, 4).Value = "vip|сад";

        ws.Cell(3, 1).SetValue("8 (916) 765-43-21"); // text
        ws.Cell(3, 2).Value = "Анна";

        // row 4 left empty
        ws.Cell(5, 1).Value = 9031234567d;
        ws.Cell(5, 1).Style.NumberFormat.Format = "0.00E+00"; // shown in exponent form, must still be digits
        ws.Cell(5, 2).FormulaA1 = "HYPERLINK(\"http://evil\",\"x\")";

        ws.Cell(6, 1).FormulaA1 = "=1+1";
        ws.Cell(6, 3).Value = 32874;

        var ms = new MemoryStream();
        wb.SaveAs(ms);
        ms.Position = 0;
        return ms;
    }

    [Fact]
    public void Reads_the_first_sheet_with_row_numbers_and_text_cells()
    {
        using var reader = ImportFileReader.Open(Workbook());
        Assert.Equal(ImportFileKind.Xlsx, reader.Kind);
        Assert.Null(reader.EncodingName);
        Assert.Null(reader.Delimiter);
        Assert.Equal(["Телефон", "Имя", "Дата рождения", "Теги"], reader.Header.Fields);

        var rows = reader.ReadRows().ToList();
        Assert.Equal([2, 3, 5, 6], rows.Select(r => r.Line));
        Assert.Equal(["79161234567", "Иван", "1985-03-15", "vip|сад"], rows[0].Fields);
        Assert.Equal(["8 (916) 765-43-21", "Анна", "", ""], rows[1].Fields);
        Assert.Equal("9031234567", rows[2].Fields[0]);
        Assert.Equal("=HYPERLINK(\"http://evil\",\"x\")", rows[2].Fields[1]);
        Assert.Equal("=1+1", rows[3].Fields[0]);
    }

    [Fact]
    public void Normalises_xlsx_rows()
    {
        using var reader = ImportFileReader.Open(Workbook());
        var normalizer = new ImportRowNormalizer(ColumnMapper.Map(reader.Header.Fields), today: new DateOnly(2026, 6, 1));
        var results = reader.ReadRows().Select(normalizer.Normalize).ToList();

        var ivan = Assert.IsType<NormalizedImportRow>(results[0]);
        Assert.Equal(("+79161234567", "Иван", new DateOnly(1985, 3, 15)), (ivan.Phone.E164, ivan.FirstName, ivan.BirthDate));
        Assert.Equal(["vip", "сад"], ivan.Tags);
        Assert.Equal("+79167654321", Assert.IsType<NormalizedImportRow>(results[1]).Phone.E164);
        var third = Assert.IsType<NormalizedImportRow>(results[2]);
        Assert.Equal(("+79031234567", "=HYPERLINK(\"http://evil\",\"x\")"), (third.Phone.E164, third.FirstName));
        Assert.Equal(new RejectedRow(6, "=1+1", "invalid phone: not a phone number"), results[3]);
    }

    [Fact]
    public void Preview_count_and_a_non_seekable_upload()
    {
        var preview = ImportFileReader.ReadHeaderAndPreview(new ImportFileReaderTests.NonSeekableStream(Workbook()), 2);
        Assert.Equal(ImportFileKind.Xlsx, preview.Kind);
        Assert.Equal([2, 3], preview.Rows.Select(r => r.Line));
        Assert.Equal(4, ImportFileReader.CountDataRows(Workbook()));
    }

    [Fact]
    public void A_corrupt_workbook_is_a_format_error()
    {
        var bytes = Workbook().ToArray()[..200];
        Assert.Throws<ImportFormatException>(() => ImportFileReader.Open(new MemoryStream(bytes)));
    }

    /// <summary>A workbook written by hand, as other tools write them: inline and rich-text strings, no dimension, a custom date format, a shared formula.</summary>
    private static MemoryStream HandWritten(string sheetRows)
    {
        var ms = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string path, string xml)
            {
                using var w = new StreamWriter(zip.CreateEntry(path).Open());
                w.Write(xml);
            }

            const string main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
            Add("xl/workbook.xml", $"""<workbook xmlns="{main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Лист" sheetId="7" r:id="rId9"/></sheets></workbook>""");
            Add("xl/_rels/workbook.xml.rels", """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/></Relationships>""");
            Add("xl/styles.xml", $"""<styleSheet xmlns="{main}"><numFmts count="1"><numFmt numFmtId="170" formatCode="dd/mm/yyyy\ hh:mm"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="170"/><xf numFmtId="11"/></cellXfs></styleSheet>""");
            Add("xl/sharedStrings.xml", $"""<sst xmlns="{main}"><si><t>Телефон</t></si><si><r><t>Ив</t></r><r><t>ан</t></r><rPh><t>ignored</t></rPh></si></sst>""");
            Add("xl/worksheets/data.xml", $"""<worksheet xmlns="{main}"><sheetData>{sheetRows}</sheetData></worksheet>""");
        }

        ms.Position = 0;
        return ms;
    }

    [Fact]
    public void Reads_inline_and_rich_strings_custom_dates_shared_formulas_and_a_sheet_without_dimension()
    {
        using var reader = ImportFileReader.Open(HandWritten("""
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Имя</t></is></c><c r="C1" t="inlineStr"><is><t>Когда</t></is></c></row>
            <row r="3"><c r="A3" s="2"><v>79161234567</v></c><c r="B3" t="s"><v>1</v></c><c r="C3" s="1"><v>45658.75</v></c><c r="E3" t="b"><v>1</v></c></row>
            <row r="4"><c r="A4"><f t="shared" si="0">A3+1</f><v>79161234568</v></c><c r="B4"><f t="shared" si="0"/><v>0</v></c><c r="C4" s="1"><v>45658</v></c></row>
            """));
        Assert.Equal(["Телефон", "Имя", "Когда"], reader.Header.Fields);
        var rows = reader.ReadRows().ToList();
        Assert.Equal([3, 4], rows.Select(r => r.Line));
        Assert.Equal(["79161234567", "Иван", "2025-01-01 18:00:00", "", "TRUE"], rows[0].Fields);
        Assert.Equal(["=A3+1", "=", "2025-01-01"], rows[1].Fields);
    }

    [Fact]
    public void A_sheet_damaged_after_its_first_rows_is_a_format_error_naming_the_last_good_line()
    {
        using var reader = ImportFileReader.Open(HandWritten("""
            <row r="1"><c t="inlineStr"><is><t>Телефон</t></is></c></row><row r="2"><c><v>79161234567</v></c></row><row r="3"><c><v>1</c></row>
            """));
        var rows = reader.ReadRows().GetEnumerator();
        Assert.True(rows.MoveNext());
        var error = Assert.Throws<ImportFormatException>(() => rows.MoveNext());
        Assert.Contains("after line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_large_sheet_is_read_row_by_row_without_holding_the_workbook()
    {
        const int rows = 200_000;
        System.Text.StringBuilder? sheet = new("<row r=\"1\"><c t=\"inlineStr\"><is><t>Телефон</t></is></c><c t=\"inlineStr\"><is><t>Имя</t></is></c></row>");
        for (var i = 2; i <= rows + 1; i++) sheet.Append(System.Globalization.CultureInfo.InvariantCulture, $"<row r=\"{i}\"><c><v>{79160000000L + i}</v></c><c t=\"inlineStr\"><is><t>Имя номер {i}</t></is></c></row>");
        using var file = HandWritten(sheet.ToString());
        sheet = null;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0, count = 0;
        using (var reader = ImportFileReader.Open(file, leaveOpen: true))
        {
            foreach (var row in reader.ReadRows())
            {
                if (++count % 20_000 == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                Assert.Equal(2, row.Fields.Length);
            }
        }

        Assert.Equal(rows, count);
        // The sheet unpacks to ~15 MB of XML and ~200k rows of strings; a workbook model would hold all of it at once.
        Assert.True(peak - baseline < 16 << 20, $"reading held {(peak - baseline) >> 20} MiB more than before it began");
    }
}

[CollectionDefinition(nameof(XlsxImportTests), DisableParallelization = true)]
public sealed class XlsxImportCollection;
