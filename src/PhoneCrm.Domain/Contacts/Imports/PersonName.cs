namespace PhoneCrm.Domain.Contacts.Imports;

/// <summary>A person's name in parts, as split from one «ФИО» cell.</summary>
public sealed record PersonName(string? LastName, string? FirstName, string? MiddleName)
{
    private static readonly string[] _patronymicEndings = ["вич", "вна", "чна", "оглы", "кызы", "улы"];

    private static readonly string[] _surnameEndings =
        ["ов", "ев", "ёв", "ин", "ын", "ова", "ева", "ёва", "ина", "ына", "ский", "ская", "цкий", "цкая", "ской", "ых", "их", "енко", "ук", "юк"];

    /// <summary>
    /// Splits a full name written in the Russian order «Фамилия Имя Отчество». Three words: last, first, middle —
    /// unless the middle word is the patronymic («Иван Петрович Сидоров»: first, middle, last). Two words: «Фамилия
    /// Имя», unless the second is a patronymic («Иван Петрович») or only the second looks like a surname
    /// («Иван Петров», how amoCRM's «Полное имя контакта» often reads). One word: the first name. Four or more:
    /// last, first, and the rest as the middle name («Мамедов Эльдар Рашид оглы»).
    /// </summary>
    public static PersonName Split(string? fullName)
    {
        var words = (fullName ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch (words.Length)
        {
            case 0:
                return new PersonName(null, null, null);
            case 1:
                return new PersonName(null, words[0], null);
            case 2:
                if (IsPatronymic(words[1])) return new PersonName(null, words[0], words[1]);
                return LooksLikeSurname(words[1]) && !LooksLikeSurname(words[0])
                    ? new PersonName(words[1], words[0], null)
                    : new PersonName(words[0], words[1], null);
            case 3:
                return IsPatronymic(words[1]) && !IsPatronymic(words[2])
                    ? new PersonName(words[2], words[0], words[1])
                    : new PersonName(words[0], words[1], words[2]);
            default:
                return new PersonName(words[0], words[1], string.Join(' ', words[2..]));
        }
    }

    private static bool IsPatronymic(string word) =>
        _patronymicEndings.Any(e => word.EndsWith(e, StringComparison.OrdinalIgnoreCase)) && word.Length > 4;

    // First names that end like surnames («Марина», «Константин»), so «Марина Иванова» is read as name, surname.
    private static readonly HashSet<string> _firstNamesLikeSurnames = new(
        ["марина", "ирина", "галина", "полина", "алина", "кристина", "валентина", "ангелина", "карина", "регина", "нина", "дина",
         "зарина", "арина", "валентин", "константин", "мартин", "ульяна", "татьяна"], StringComparer.OrdinalIgnoreCase);

    private static bool LooksLikeSurname(string word) =>
        word.Length > 3 && !_firstNamesLikeSurnames.Contains(word) && _surnameEndings.Any(e => word.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
