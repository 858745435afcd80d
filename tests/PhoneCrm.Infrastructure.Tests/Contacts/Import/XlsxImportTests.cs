using ClosedXML.Excel;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Tests.Contacts.Import;

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
}
