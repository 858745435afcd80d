namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// One record of an import file. <paramref name="Line"/> is the 1-based physical line of the record's first character
/// (the header is line 1 in a CSV; for XLSX it is the worksheet row number). <paramref name="Fields"/> has as many
/// entries as the record has (it may be shorter or longer than the header), unmodified (not trimmed).
/// </summary>
public sealed record SourceRow(int Line, string[] Fields)
{
    /// <summary>The field at <paramref name="index"/>, or null when the record is shorter.</summary>
    public string? Field(int index) => (uint)index < (uint)Fields.Length ? Fields[index] : null;
}

public enum ImportFileKind
{
    Csv,
    Xlsx,
}

/// <summary>The first rows of a file for the import wizard, with what was detected.</summary>
/// <param name="EncodingName">Web name of the detected encoding (<c>utf-8</c>, <c>windows-1251</c>, <c>utf-16</c>); null for XLSX.</param>
/// <param name="Delimiter">Detected delimiter; null for XLSX.</param>
public sealed record ImportPreview(
    ImportFileKind Kind,
    string? EncodingName,
    char? Delimiter,
    SourceRow Header,
    IReadOnlyList<SourceRow> Rows);

/// <summary>The file cannot be imported at all (empty, no header, no phone column, unreadable XLSX).</summary>
public sealed class ImportFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A line of an import file in a report for people: the original fields and what the report adds (a reason, numbers).</summary>
public sealed record ImportReportRow(int Line, string[] Fields, IReadOnlyList<string> Extra);
