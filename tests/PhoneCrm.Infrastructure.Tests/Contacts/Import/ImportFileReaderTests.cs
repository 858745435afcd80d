using System.Text;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Tests.Contacts.Import;

public class ImportFileReaderTests
{
    private static readonly Encoding _utf8NoBom = new UTF8Encoding(false);

    internal static MemoryStream Bytes(string text, Encoding? encoding = null, bool bom = false)
    {
        var body = (encoding ?? _utf8NoBom).GetBytes(text);
        var prefix = bom ? new byte[] { 0xEF, 0xBB, 0xBF } : [];
        return new MemoryStream([.. prefix, .. body]);
    }

    private static List<SourceRow> Rows(string text, out ImportFileReader reader)
    {
        reader = ImportFileReader.Open(Bytes(text));
        return reader.ReadRows().ToList();
    }

    [Fact]
    public void Line_numbers_follow_physical_lines_through_quoted_newlines_and_empty_lines()
    {
        var text = "phone,name\r\n"
                   + "1,\"multi\r\nline\nvalue\"\r\n" // lines 2-4
                   + "\r\n"                          // line 5, empty
                   + "2,b\n"                         // line 6
                   + "3,c\r"                         // line 7 (lone CR)
                   + "\r\n"                          // line 8, empty
                   + "4,\"d\"\"q\"\r\n"              // line 9
                   + "5,last";                       // line 10, no final newline
        var rows = Rows(text, out var reader);
        using (reader)
        {
            Assert.Equal(1, reader.Header.Line);
            Assert.Equal(["phone", "name"], reader.Header.Fields);
            Assert.Equal([2, 6, 7, 9, 10], rows.Select(r => r.Line));
            Assert.Equal("multi\r\nline\nvalue", rows[0].Fields[1]);
            Assert.Equal("d\"q", rows[3].Fields[1]);
            Assert.Equal(["5", "last"], rows[4].Fields);
        }
    }

    [Fact]
    public void Keeps_short_long_and_trailing_delimiter_rows_as_they_are()
    {
        var rows = Rows("a;b;c\n1\n1;2;3;4\n1;2;3;\n;;\n\"\";  ;\n", out var reader);
        using (reader)
        {
            Assert.Equal(';', reader.Delimiter);
            Assert.Equal(3, rows.Count); // ";;" and "\"\";  ;" are blank records, skipped
            Assert.Equal(["1"], rows[0].Fields);
            Assert.Equal(["1", "2", "3", "4"], rows[1].Fields);
            Assert.Equal(["1", "2", "3", ""], rows[2].Fields);
            Assert.Equal([2, 3, 4], rows.Select(r => r.Line));
            Assert.Null(rows[0].Field(1));
        }
    }

    [Theory]
    [InlineData("phone;name,x\n", ';')]
    [InlineData("phone,name;x,y\n", ',')]
    [InlineData("phone\tname\tcity\n", '\t')]
    [InlineData("\"a;b;c\",x,y\n", ',')] // delimiters inside quotes do not count
    [InlineData("phone\n", ',')]
    [InlineData("\n\nphone;name\n", ';')] // leading blank lines
    public void Detects_the_delimiter_from_the_header(string text, char expected)
    {
        using var reader = ImportFileReader.Open(Bytes(text));
        Assert.Equal(expected, reader.Delimiter);
    }

    [Fact]
    public void Detects_utf8_with_bom_without_bom_and_windows_1251()
    {
        const string text = "Телефон;Имя\n89161234567;Ёжик\n";
        using var bom = ImportFileReader.Open(Bytes(text, bom: true));
        using var noBom = ImportFileReader.Open(Bytes(text));
        using var cp1251 = ImportFileReader.Open(Bytes(text, CodePages.Windows1251));

        foreach (var (reader, encoding) in new[] { (bom, "utf-8"), (noBom, "utf-8"), (cp1251, "windows-1251") })
        {
            Assert.Equal(encoding, reader.EncodingName);
            Assert.Equal(["Телефон", "Имя"], reader.Header.Fields); // the BOM is not part of the first name
            Assert.Equal(["89161234567", "Ёжик"], Assert.Single(reader.ReadRows()).Fields);
        }
    }

    [Fact]
    public void A_utf8_character_cut_at_the_sniff_boundary_is_still_utf8()
    {
        var header = "phone;comment\n1;";
        var filler = new string('x', ImportFileReader.SniffLength - Encoding.UTF8.GetByteCount(header) - 1);
        var text = header + filler + "Ж\n"; // the 2-byte Ж straddles byte 65536
        using var reader = ImportFileReader.Open(Bytes(text));
        Assert.Equal("utf-8", reader.EncodingName);
        Assert.EndsWith("Ж", Assert.Single(reader.ReadRows()).Fields[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_a_non_seekable_stream()
    {
        var text = "phone,name\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i},n{i}\n"));
        using var reader = ImportFileReader.Open(new NonSeekableStream(Bytes(text)));
        var rows = reader.ReadRows().ToList();
        Assert.Equal(20_000, rows.Count);
        Assert.Equal(["19999", "n19999"], rows[^1].Fields);
        Assert.Equal(20_001, rows[^1].Line);
    }

    [Fact]
    public void An_unterminated_quote_runs_to_the_end_and_is_capped()
    {
        var text = "phone,name\n1,\"open\n2,b\n";
        var rows = Rows(text, out var reader);
        using (reader)
        {
            Assert.Equal("open\n2,b\n", Assert.Single(rows).Fields[1]);
        }

        var huge = "phone,name\n1,\"" + new string('x', CsvRecordParserCap + 10);
        var capped = Rows(huge, out var reader2);
        using (reader2)
        {
            Assert.Equal(CsvRecordParserCap, Assert.Single(capped).Fields[1].Length);
        }
    }

    private const int CsvRecordParserCap = 1 << 20;

    [Fact]
    public void Empty_file_is_a_format_error()
    {
        Assert.Throws<ImportFormatException>(() => ImportFileReader.Open(new MemoryStream()));
        Assert.Throws<ImportFormatException>(() => ImportFileReader.Open(Bytes("\r\n\r\n;;\n")));
    }

    [Fact]
    public void Preview_and_count()
    {
        var text = "phone;name\n1;a\n\n2;\"b\nb\"\n3;c\n4;d\n";
        var preview = ImportFileReader.ReadHeaderAndPreview(Bytes(text, bom: true), maxRows: 2);
        Assert.Equal(ImportFileKind.Csv, preview.Kind);
        Assert.Equal("utf-8", preview.EncodingName);
        Assert.Equal(';', preview.Delimiter);
        Assert.Equal(["phone", "name"], preview.Header.Fields);
        Assert.Equal([2, 4], preview.Rows.Select(r => r.Line));
        Assert.Equal("b\nb", preview.Rows[1].Fields[1]);

        Assert.Equal(4, ImportFileReader.CountDataRows(Bytes(text)));
    }

    [Fact]
    public void Rows_can_be_read_once()
    {
        using var reader = ImportFileReader.Open(Bytes("phone\n1\n"));
        _ = reader.ReadRows();
        Assert.Throws<InvalidOperationException>(() => reader.ReadRows());
    }

    [Fact]
    public void Reading_is_lazy()
    {
        var text = "phone,name\n" + string.Concat(Enumerable.Range(0, 200_000).Select(i => $"{i},name{i}\n"));
        var counting = new CountingStream(Bytes(text));
        using var reader = ImportFileReader.Open(counting);
        var first = reader.ReadRows().Take(10).ToList();
        Assert.Equal(10, first.Count);
        Assert.True(counting.BytesRead <= 3 * ImportFileReader.SniffLength, $"read {counting.BytesRead} bytes for 10 rows");
        Assert.True(counting.Length > 2_000_000);
    }

    internal sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 1000));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    internal sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

internal static class CodePages
{
    public static Encoding Windows1251
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding(1251);
        }
    }
}
