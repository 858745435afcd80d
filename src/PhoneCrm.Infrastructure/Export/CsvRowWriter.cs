using System.Text;

namespace PhoneCrm.Infrastructure.Export;

/// <summary>
/// Writes RFC 4180 CSV for exports that people open in spreadsheets: fields are quoted when needed and cells that
/// start with = + - @ (or a tab/CR) are prefixed with an apostrophe so they are never run as formulas.
/// </summary>
public sealed class CsvRowWriter(TextWriter writer, char separator = ',')
{
    public static string Neutralise(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        return value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
    }

    public string Format(IEnumerable<string?> fields)
    {
        var sb = new StringBuilder();
        var first = true;
        foreach (var raw in fields)
        {
            if (!first) sb.Append(separator);
            first = false;
            var v = Neutralise(raw);
            if (v.IndexOfAny([separator, '"', '\n', '\r']) >= 0)
                sb.Append('"').Append(v.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else
                sb.Append(v);
        }

        return sb.ToString();
    }

    public Task WriteRowAsync(params string?[] fields) => writer.WriteAsync(Format(fields) + "\r\n");
}
