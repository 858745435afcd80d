using System.Text;

namespace PhoneCrm.Domain.Contacts.Imports;

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
    MiddleName,
    /// <summary>«ФИО» in one cell, split into last, first and middle name (<see cref="PersonName.Split"/>).</summary>
    FullName,
    /// <summary>Further phone columns: their numbers compete with the phone column for the contact's number (a mobile wins).</summary>
    OtherPhone1,
    OtherPhone2,
    OtherPhone3,
}

public static class ImportFields
{
    /// <summary>Every field in the wizard's display order (phones, then names, then the rest).</summary>
    public static IReadOnlyList<ImportField> All { get; } =
    [
        ImportField.Phone, ImportField.OtherPhone1, ImportField.OtherPhone2, ImportField.OtherPhone3, ImportField.FullName,
        ImportField.LastName, ImportField.FirstName, ImportField.MiddleName, ImportField.Email, ImportField.City,
        ImportField.Gender, ImportField.BirthDate, ImportField.Tags,
    ];

    /// <summary>The phone columns in the order their numbers are tried.</summary>
    public static IReadOnlyList<ImportField> Phones { get; } = [ImportField.Phone, ImportField.OtherPhone1, ImportField.OtherPhone2, ImportField.OtherPhone3];

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
        ImportField.MiddleName => "middle_name",
        ImportField.FullName => "full_name",
        ImportField.OtherPhone1 => "other_phone_1",
        ImportField.OtherPhone2 => "other_phone_2",
        ImportField.OtherPhone3 => "other_phone_3",
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

/// <summary>
/// How the header of a contact file is read: the one list of header synonyms (Russian and English, and the column
/// names of the exports customers bring — Bitrix24, amoCRM, 1C / МойСклад) and the phone-column preference.
/// <para>Phone columns. A file may have several (Bitrix24: «Рабочий телефон», «Мобильный телефон», «Домашний
/// телефон», «Другой телефон»). For an SMS base the mobile one is the contact's number: phone columns are ranked
/// mobile → plain «Телефон» → work/home/other/fax, the best becomes <see cref="ImportField.Phone"/> and the next three
/// <see cref="ImportField.OtherPhone1"/>…3, whose numbers are kept on the contact (and a mobile number found in them
/// wins when the phone cell has none — see the row normaliser).</para>
/// </summary>
public static class ContactImportColumns
{
    private static readonly (ImportField Field, string[] Names)[] _synonyms =
    [
        (ImportField.Phone, ["phone", "телефон", "тел", "номер", "phone_number", "phone number", "номер телефона", "tel", "телефоны", "контактный телефон"]),
        (ImportField.FirstName, ["first_name", "имя", "firstname", "name", "first name", "given name"]),
        (ImportField.LastName, ["last_name", "фамилия", "surname", "lastname", "last name", "family name"]),
        (ImportField.MiddleName, ["middle_name", "отчество", "middlename", "middle name", "patronymic"]),
        (ImportField.FullName, ["full_name", "фио", "fio", "full name", "fullname", "полное имя", "полное имя контакта", "наименование",
            "полное наименование", "контактное лицо", "клиент", "покупатель", "контрагент"]),
        (ImportField.Email, ["email", "e-mail", "почта", "эл. почта", "электронная почта", "mail", "email address", "адрес электронной почты"]),
        (ImportField.City, ["city", "город", "населенный пункт"]),
        (ImportField.Gender, ["gender", "пол", "sex"]),
        (ImportField.BirthDate, ["birth_date", "дата рождения", "birthday", "др", "birthdate", "date of birth", "dob", "день рождения"]),
        (ImportField.Tags, ["tags", "теги", "метки", "интересы", "tag", "interests", "тэги"]),
    ];

    // Words that, contained in a longer header ("Рабочий e-mail", "Фамилия контакта"), still identify the field.
    private static readonly (ImportField Field, string Word)[] _containedWords =
    [
        (ImportField.Email, "email"),
        (ImportField.Email, "почта"),
        (ImportField.BirthDate, "датарождения"),
        (ImportField.MiddleName, "отчество"),
        (ImportField.LastName, "фамилия"),
        (ImportField.FullName, "полноеимя"),
        (ImportField.FullName, "фио"),
    ];

    // Phone columns, by what a header says about the number (keys as Key() makes them).
    private static readonly string[] _phoneWords = ["телефон", "phone", "моб", "mobile", "сотов", "cell"];
    private static readonly string[] _mobileWords = ["моб", "mobile", "сотов", "cell"];
    private static readonly string[] _secondaryWords = ["рабоч", "work", "домашн", "home", "друг", "other", "офис", "office", "факс", "fax", "доп"];

    private static readonly Dictionary<string, ImportField> _byKey = BuildKeys();

    /// <summary>
    /// Fields recognised in <paramref name="header"/>: the phone columns ranked (<see cref="PhoneRank"/>), then for each
    /// other field an exact synonym first, then a contained keyword; the first matching column wins. May lack phone:
    /// the wizard shows what was found and lets the user choose.
    /// </summary>
    public static IReadOnlyDictionary<ImportField, int> Detect(IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var found = new Dictionary<ImportField, int>();
        var used = new HashSet<int>();
        var keys = header.Select(Key).ToArray();

        var phones = Enumerable.Range(0, keys.Length)
            .Select(i => (Index: i, Rank: PhoneRank(keys[i])))
            .Where(p => p.Rank >= 0)
            .OrderBy(p => p.Rank).ThenBy(p => p.Index)
            .Take(ImportFields.Phones.Count)
            .ToList();
        for (var p = 0; p < phones.Count; p++)
        {
            found[ImportFields.Phones[p]] = phones[p].Index;
            used.Add(phones[p].Index);
        }

        for (var i = 0; i < keys.Length; i++)
        {
            if (!used.Contains(i) && _byKey.TryGetValue(keys[i], out var field) && field != ImportField.Phone && found.TryAdd(field, i))
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

    /// <summary>
    /// How good a phone column a header names, for an SMS base: 0 mobile («Мобильный телефон», «Моб.», «Mobile»),
    /// 1 a plain phone («Телефон», «Phone», «Номер телефона»), 2 work / home / other / fax; -1 not a phone column.
    /// </summary>
    public static int PhoneRank(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var exact = _byKey.TryGetValue(key, out var field) && field == ImportField.Phone;
        if (!exact && !_phoneWords.Any(w => key.Contains(w, StringComparison.Ordinal)))
        {
            return -1;
        }

        if (_mobileWords.Any(w => key.Contains(w, StringComparison.Ordinal)))
        {
            return 0;
        }

        return _secondaryWords.Any(w => key.Contains(w, StringComparison.Ordinal)) ? 2 : 1;
    }

    /// <summary>
    /// A first row that is data rather than column names: no header name is recognised in it and one of its cells is
    /// a phone number — a file exported without headers. The wizard then maps its columns by position.
    /// </summary>
    public static bool LooksLikeData(IReadOnlyList<string> firstRow, string defaultRegion = "RU")
    {
        ArgumentNullException.ThrowIfNull(firstRow);
        return Detect(firstRow).Count == 0 && firstRow.Any(cell => PhoneParser.Parse(cell, defaultRegion).IsSuccess);
    }

    /// <summary>
    /// The column whose cells are phone numbers (at least half of its non-empty cells in <paramref name="rows"/>, the
    /// most such cells winning; columns in <paramref name="taken"/> skipped), or -1: a guess the wizard pre-selects when
    /// the header names no phone column («Номер клиента») or there is no header.
    /// </summary>
    public static int PhoneColumnByContent(IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyCollection<int> taken, string defaultRegion = "RU")
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(taken);
        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        var (best, bestCount) = (-1, 0);
        for (var c = 0; c < width; c++)
        {
            if (taken.Contains(c)) continue;
            var cells = rows.Select(r => c < r.Count ? r[c] : "").Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
            var phones = cells.Count(v => PhoneParser.Parse(v, defaultRegion).IsSuccess);
            if (phones > bestCount && phones * 2 >= cells.Count) (best, bestCount) = (c, phones);
        }

        return best;
    }

    /// <summary>Lower case, ё→е, letters and digits only: "E-mail" → "email", "Эл. почта" → "элпочта".</summary>
    public static string Key(string? name)
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
