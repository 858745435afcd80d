using System.Collections.ObjectModel;
using System.Text;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Contacts.Import;

/// <summary>The contact fields an import column can feed.</summary>
public enum ImportField
{
    Phone,
    FirstName,
    LastName,
    Email,
    City,
    Gender,
    BirthDate,
    Tags,
}

public static class ImportFields
{
    public static IReadOnlyList<ImportField> All { get; } = Enum.GetValues<ImportField>();

    /// <summary>Wire name used by the API, the wizard and rejection reasons (<c>first_name</c>, …).</summary>
    public static string Name(this ImportField field) => field switch
    {
        ImportField.Phone => "phone",
        ImportField.FirstName => "first_name",
        ImportField.LastName => "last_name",
        ImportField.Email => "email",
        ImportField.City => "city",
        ImportField.Gender => "gender",
        ImportField.BirthDate => "birth_date",
        ImportField.Tags => "tags",
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    public static bool TryParse(string? name, out ImportField field)
    {
        foreach (var f in All)
        {
            if (string.Equals(f.Name(), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                field = f;
                return true;
            }
        }

        field = default;
        return false;
    }
}

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

        _indexes = new int[ImportFields.All.Count];
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

/// <summary>Maps header names (Russian or English, any case, any punctuation) to contact fields.</summary>
public static class ColumnMapper
{
    private static readonly (ImportField Field, string[] Names)[] _synonyms =
    [
        (ImportField.Phone, ["phone", "телефон", "тел", "мобильный", "номер", "phone_number", "mobile", "phone number", "номер телефона", "mobile phone", "tel", "моб"]),
        (ImportField.FirstName, ["first_name", "имя", "firstname", "name", "first name", "given name"]),
        (ImportField.LastName, ["last_name", "фамилия", "surname", "lastname", "last name", "family name"]),
        (ImportField.Email, ["email", "e-mail", "почта", "эл. почта", "электронная почта", "mail", "email address"]),
        (ImportField.City, ["city", "город", "населенный пункт"]),
        (ImportField.Gender, ["gender", "пол", "sex"]),
        (ImportField.BirthDate, ["birth_date", "дата рождения", "birthday", "др", "birthdate", "date of birth", "dob", "день рождения"]),
        (ImportField.Tags, ["tags", "теги", "метки", "интересы", "tag", "interests", "тэги"]),
    ];

    // Words that, contained in a longer header ("Мобильный телефон клиента"), still identify the field.
    private static readonly (ImportField Field, string Word)[] _containedWords =
    [
        (ImportField.Phone, "телефон"),
        (ImportField.Phone, "phone"),
        (ImportField.Email, "email"),
        (ImportField.Email, "почта"),
        (ImportField.BirthDate, "датарождения"),
        (ImportField.LastName, "фамилия"),
    ];

    private static readonly Dictionary<string, ImportField> _byKey = BuildKeys();

    /// <summary>
    /// Fields recognised in <paramref name="header"/> (exact synonym first, then a contained keyword; the first
    /// matching column wins). May lack phone: the wizard shows what was found and lets the user choose.
    /// </summary>
    public static IReadOnlyDictionary<ImportField, int> Detect(IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var found = new Dictionary<ImportField, int>();
        var used = new HashSet<int>();
        var keys = header.Select(Key).ToArray();

        for (var i = 0; i < keys.Length; i++)
        {
            if (_byKey.TryGetValue(keys[i], out var field) && found.TryAdd(field, i))
            {
                used.Add(i);
            }
        }

        foreach (var (field, word) in _containedWords)
        {
            if (found.ContainsKey(field))
            {
                continue;
            }

            for (var i = 0; i < keys.Length; i++)
            {
                if (!used.Contains(i) && keys[i].Contains(word, StringComparison.Ordinal))
                {
                    found[field] = i;
                    used.Add(i);
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>Auto-detected mapping, with optional overrides from the wizard.</summary>
    /// <exception cref="ImportFormatException">No phone column (<c>no phone column</c>).</exception>
    public static ColumnMapping Map(IReadOnlyList<string> header, IReadOnlyDictionary<ImportField, int>? overrides = null)
    {
        var detected = Detect(header).ToDictionary();
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

    /// <summary>Lower case, ё→е, letters and digits only: "E-mail" → "email", "Эл. почта" → "элпочта".</summary>
    internal static string Key(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }

        var sb = new StringBuilder(name.Length);
        foreach (var ch in name)
        {
            if (char.IsLetterOrDigit(ch))
            {
                var lower = char.ToLowerInvariant(ch);
                sb.Append(lower == 'ё' ? 'е' : lower);
            }
        }

        return sb.ToString();
    }

    private static Dictionary<string, ImportField> BuildKeys()
    {
        var keys = new Dictionary<string, ImportField>(StringComparer.Ordinal);
        foreach (var (field, names) in _synonyms)
        {
            foreach (var name in names)
            {
                keys.TryAdd(Key(name), field);
            }
        }

        return keys;
    }
}
