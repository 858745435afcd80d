using System.Collections.ObjectModel;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Contacts.Import;

/// <summary>Which column (0-based index into <see cref="SourceRow.Fields"/>) feeds each field. Phone is required.</summary>
public sealed class ColumnMapping
{
    private readonly int[] _indexes;

    /// <exception cref="ImportFormatException">No phone column, or a negative index.</exception>
    public ColumnMapping(IReadOnlyDictionary<ImportField, int> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (!columns.ContainsKey(ImportField.Phone))
        {
            throw new ImportFormatException("no phone column");
        }

        _indexes = new int[Enum.GetValues<ImportField>().Length];
        Array.Fill(_indexes, -1);
        foreach (var (field, index) in columns)
        {
            if (index < 0)
            {
                throw new ImportFormatException($"invalid column index for {field.Name()}");
            }

            _indexes[(int)field] = index;
        }

        Columns = new ReadOnlyDictionary<ImportField, int>(columns.ToDictionary());
    }

    public IReadOnlyDictionary<ImportField, int> Columns { get; }

    public int Phone => _indexes[(int)ImportField.Phone];

    /// <summary>Column index of <paramref name="field"/>, or -1 when the field is not mapped.</summary>
    public int this[ImportField field] => _indexes[(int)field];

    /// <summary>A copy with some fields re-pointed (value ≥ 0) or unmapped (value &lt; 0), as chosen in the wizard.</summary>
    public ColumnMapping With(IReadOnlyDictionary<ImportField, int> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var merged = Columns.ToDictionary();
        foreach (var (field, index) in overrides)
        {
            if (index < 0)
            {
                merged.Remove(field);
            }
            else
            {
                merged[field] = index;
            }
        }

        return new ColumnMapping(merged);
    }
}

/// <summary>A file's column mapping: the header's fields (<see cref="ContactImportColumns.Detect"/>) with the wizard's overrides.</summary>
public static class ColumnMapper
{
    /// <summary>Auto-detected mapping, with optional overrides from the wizard.</summary>
    /// <exception cref="ImportFormatException">No phone column (<c>no phone column</c>).</exception>
    public static ColumnMapping Map(IReadOnlyList<string> header, IReadOnlyDictionary<ImportField, int>? overrides = null)
    {
        var detected = ContactImportColumns.Detect(header).ToDictionary();
        foreach (var (field, index) in overrides ?? new Dictionary<ImportField, int>())
        {
            if (index < 0)
            {
                detected.Remove(field);
            }
            else
            {
                detected[field] = index;
            }
        }

        return new ColumnMapping(detected);
    }
}
