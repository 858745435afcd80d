using System.Text;

namespace PhoneCrm.Infrastructure.Export;

/// <summary>
/// How a CSV file is written for the program that opens it. Russian Excel splits on <c>;</c> (the list separator of
/// the ru-RU locale) and reads UTF-8 only with a byte-order mark; other programs and scripts expect <c>,</c>.
/// </summary>
/// <param name="PlainPhones">A phone number (<c>+</c> and digits only) is written as it is: it is no formula risk, and
/// an apostrophe would show in the cell. Otherwise every cell starting with <c>+</c> is neutralised.</param>
public sealed record CsvDialect(string Name, char Separator, bool ByteOrderMark, bool PlainPhones)
{
    /// <summary>For Excel (Russian locale): <c>;</c>, UTF-8 with BOM, phone numbers plain.</summary>
    public static CsvDialect Excel { get; } = new("excel", ';', ByteOrderMark: true, PlainPhones: true);

    /// <summary>Comma-separated, UTF-8 with BOM (spreadsheet programs in English locales, scripts).</summary>
    public static CsvDialect Comma { get; } = new("comma", ',', ByteOrderMark: true, PlainPhones: false);

    /// <summary>The API's CSV (api-v1.md): comma-separated, no BOM.</summary>
    public static CsvDialect Api { get; } = new("api", ',', ByteOrderMark: false, PlainPhones: false);

    /// <summary>The dialects a person can choose in the UI.</summary>
    public static IReadOnlyList<CsvDialect> ForPeople { get; } = [Excel, Comma];

    public Encoding Encoding => new UTF8Encoding(ByteOrderMark);

    /// <summary>The dialect named <paramref name="name"/> (<c>excel</c> or <c>comma</c>), else the default for the UI
    /// language: Russian → <see cref="Excel"/>, otherwise <see cref="Comma"/>.</summary>
    public static CsvDialect Choose(string? name, System.Globalization.CultureInfo uiCulture)
    {
        ArgumentNullException.ThrowIfNull(uiCulture);
        return ForPeople.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? (uiCulture.TwoLetterISOLanguageName == "ru" ? Excel : Comma);
    }
}

/// <summary>
/// Writes RFC 4180 CSV for exports that people open in spreadsheets: fields are quoted when needed and cells that
/// start with = + - @ (or a tab/CR) are prefixed with an apostrophe so they are never run as formulas — except, in a
/// dialect with <see cref="CsvDialect.PlainPhones"/>, a phone number (<c>+</c> followed by digits only).
/// </summary>
/// <param name="dialect">Null: <see cref="CsvDialect.Api"/> (<c>,</c>, every <c>+</c> cell neutralised).</param>
public sealed class CsvRowWriter(TextWriter writer, CsvDialect? dialect = null)
{
    private readonly CsvDialect _dialect = dialect ?? CsvDialect.Api;

    public static string Neutralise(string? value, bool plainPhones = false)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (plainPhones && IsPhoneNumber(value)) return value;
        return value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
    }

    /// <summary><c>+</c> followed by digits only (<c>+79161234567</c>): a spreadsheet reads it as a number, never a formula.</summary>
    public static bool IsPhoneNumber(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 1 && value[0] == '+' && value.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;
    }

    public string Format(IEnumerable<string?> fields)
    {
        var separator = _dialect.Separator;
        var sb = new StringBuilder();
        var first = true;
        foreach (var raw in fields)
        {
            if (!first) sb.Append(separator);
            first = false;
            var v = Neutralise(raw, _dialect.PlainPhones);
            if (v.IndexOfAny([separator, '"', '\n', '\r']) >= 0)
                sb.Append('"').Append(v.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else
                sb.Append(v);
        }

        return sb.ToString();
    }

    public Task WriteRowAsync(params string?[] fields) => writer.WriteAsync(Format(fields) + "\r\n");
}
