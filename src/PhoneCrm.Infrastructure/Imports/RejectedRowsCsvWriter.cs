using PhoneCrm.Infrastructure.Export;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// The downloadable report of rejected rows: header <c>line,value,reason</c>, RFC 4180 quoting, CRLF, and values that
/// look like formulas prefixed with an apostrophe (<see cref="CsvRowWriter"/>) so opening the report is safe.
/// </summary>
public sealed class RejectedRowsCsvWriter(TextWriter writer)
{
    public static readonly string[] Header = ["line", "value", "reason"];

    private readonly CsvRowWriter _csv = new(writer);

    public Task WriteHeaderAsync() => _csv.WriteRowAsync(Header);

    public Task WriteAsync(RejectedRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return _csv.WriteRowAsync(row.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Value, row.Reason);
    }

    /// <summary>Writes the header and every row.</summary>
    public static async Task WriteAllAsync(TextWriter writer, IEnumerable<RejectedRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var report = new RejectedRowsCsvWriter(writer);
        await report.WriteHeaderAsync();
        foreach (var row in rows)
        {
            await report.WriteAsync(row);
        }

        await writer.FlushAsync();
    }
}
