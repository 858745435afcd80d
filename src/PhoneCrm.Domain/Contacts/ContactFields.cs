using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace PhoneCrm.Domain.Contacts;

/// <summary>
/// The rules of a contact's own fields — limits, email, tags, gender, birth date, attributes — in one place for the
/// API, the card's form (<c>ContactInputValidator</c>) and the import (<c>ImportRowNormalizer</c>). The channels differ
/// only in what they do with a bad value: the API and the form refuse it, the import drops an optional one.
/// Messages are English sentences that double as localisation keys for the UI.
/// </summary>
public static class ContactFields
{
    public const int NameMax = 100;
    public const int EmailMax = 254;
    public const int CityMax = 100;
    public const int TagMax = 50;

    /// <summary>The import has always refused a 21st tag (tested); the API and the card follow the same limit.</summary>
    public const int TagsMax = 20;

    public const int SourceDetailMax = 200;
    public const int AttributesMaxBytes = 16 * 1024;
    public const int AttributeNameMax = 64;

    public static readonly DateOnly BirthDateMin = new(1900, 1, 1);

    public const string EmailMessage = "Enter a valid email.";
    public const string GenderMessage = "Gender must be male, female or unknown.";
    public const string BirthDateFormatMessage = "Birth date must be a date in the form YYYY-MM-DD.";
    public const string BirthDateRangeMessage = "Birth date must be between 1900-01-01 and today.";
    public const string AttributesSizeMessage = "Attributes may take at most 16 kB.";
    public const string AttributeNameMessage = "Attribute names must have 1 to 64 characters.";

    public static string MaxLengthMessage(int max) => $"At most {max} characters.";

    public static string TagLengthMessage => $"A tag may have at most {TagMax} characters.";

    public static string TagsCountMessage => $"At most {TagsMax} tags.";

    /// <summary>A single-line text (name, city) has no control character at all: a line break in a name is a mistake.</summary>
    public static bool IsSingleLine(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A plausible <c>local@domain.tld</c>: one <c>@</c>, no spaces or specials in the local part, letter or punycode TLD.</summary>
    public static bool IsEmail(ReadOnlySpan<char> s)
    {
        if (s.Length is < 3 or > EmailMax)
        {
            return false;
        }

        var at = s.IndexOf('@');
        if (at <= 0 || at > 64 || s.LastIndexOf('@') != at)
        {
            return false;
        }

        var local = s[..at];
        var domain = s[(at + 1)..];
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (c <= ' ' || c is '"' or '(' or ')' or ',' or ':' or ';' or '<' or '>' or '[' or '\\' or ']' || char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        var labels = 0;
        var tld = ReadOnlySpan<char>.Empty;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }

            labels++;
            tld = label;
        }

        return labels >= 2 && tld.Length >= 2 && (tld.StartsWith("xn--", StringComparison.OrdinalIgnoreCase) || IsLetters(tld));
    }

    /// <summary>Trimmed, whitespace runs collapsed to one space, lower-case: how a tag is stored and searched.</summary>
    public static string NormalizeTag(ReadOnlySpan<char> tag)
    {
        var trimmed = tag.Trim();
        return CollapseWhitespace(trimmed, "").ToLowerInvariant();
    }

    /// <summary><c>male|female|unknown</c> as the API and the form send it (any case).</summary>
    public static bool IsGender(string code) => ContactGender.All.Contains(code.Trim().ToLowerInvariant());

    /// <summary>A gender as people write it in a spreadsheet (<c>м</c>, <c>Жен.</c>, <c>female</c>…), or null when not recognised.</summary>
    public static string? GenderFromText(ReadOnlySpan<char> s)
    {
        s = s.TrimEnd('.').Trim();
        return _genders.TryGetValue(s, out var gender) ? gender : null;
    }

    /// <summary>A birth date is between 1900-01-01 and <paramref name="today"/>.</summary>
    public static bool IsBirthDateInRange(DateOnly date, DateOnly today) => date >= BirthDateMin && date <= today;

    /// <summary>The API's form of a date: <c>yyyy-MM-dd</c>.</summary>
    public static bool TryParseIsoDate(ReadOnlySpan<char> s, out DateOnly date) =>
        DateOnly.TryParseExact(s.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>
    /// A birth date as a file writes it: <c>yyyy-MM-dd</c> (a time part is ignored), <c>dd.MM.yyyy</c>, <c>dd.MM.yy</c>, <c>dd/MM/yyyy</c>,
    /// or an Excel serial day number of five digits (10000 = 1927-05-18 … ); a four-digit number is taken for a bare
    /// year and refused. Null when unreadable or out of range.
    /// </summary>
    public static DateOnly? BirthDateFromText(ReadOnlySpan<char> s, DateOnly today)
    {
        DateOnly date;
        if (s.Length == 5 && IsDigits(s))
        {
            date = _excelEpoch.AddDays(int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture));
        }
        else
        {
            // A time part is ignored: "1985-03-14T00:00:00", "14.03.1985 00:00:00" (Bitrix24 writes one on some exports).
            if (s.Length > 10 && (s[4] == '-' || s[2] == '.') && (s[10] == ' ' || s[10] == 'T'))
            {
                s = s[..10];
            }

            // Two-digit years first: "yyyy" would read "85" as the year 85.
            if (!TryTwoDigitYear(s, today, out date)
                && !DateOnly.TryParseExact(s, _dateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                return null;
            }
        }

        return IsBirthDateInRange(date, today) ? date : null;
    }

    // "14.03.85": a two-digit year is the latest year ending in those digits that is not after today (85 → 1985,
    // 05 → 2005), since a birth date is never in the future. Done by hand: .NET's two-digit year pivot is 2049.
    private static bool TryTwoDigitYear(ReadOnlySpan<char> s, DateOnly today, out DateOnly date)
    {
        date = default;
        var dot = s.LastIndexOf('.');
        if (dot < 3 || s.Length - dot != 3 || !IsDigits(s[(dot + 1)..])) return false;
        var yy = int.Parse(s[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        var year = today.Year / 100 * 100 + yy;
        if (year > today.Year) year -= 100;
        Span<char> full = stackalloc char[dot + 5];
        s[..(dot + 1)].CopyTo(full);
        year.TryFormat(full[(dot + 1)..], out _, "D4", CultureInfo.InvariantCulture);
        if (!DateOnly.TryParseExact(full, ["dd.MM.yyyy", "d.M.yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out date)) return false;
        if (date > today) date = date.AddYears(-100); // born in the current year's digits but later this year
        return true;
    }

    /// <summary>Null when the attributes are acceptable, else the message.</summary>
    public static string? AttributesError(JsonObject attributes)
    {
        if (Encoding.UTF8.GetByteCount(attributes.ToJsonString()) > AttributesMaxBytes)
        {
            return AttributesSizeMessage;
        }

        return attributes.Any(p => p.Key.Length is 0 or > AttributeNameMax) ? AttributeNameMessage : null;
    }

    /// <summary>
    /// Whitespace runs (newlines, tabs, NBSP) in an already trimmed text collapsed to one space; returns
    /// <paramref name="original"/> itself when it is that text unchanged (no allocation on the common path).
    /// </summary>
    public static string CollapseWhitespace(ReadOnlySpan<char> trimmed, string original)
    {
        var needs = false;
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (char.IsWhiteSpace(c) && (c != ' ' || (i > 0 && char.IsWhiteSpace(trimmed[i - 1]))))
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return trimmed.Length == original.Length ? original : new string(trimmed);
        }

        var sb = new StringBuilder(trimmed.Length);
        var space = false;
        foreach (var c in trimmed)
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static readonly string[] _dateFormats =
        ["yyyy-MM-dd", "yyyy-M-d", "dd.MM.yyyy", "d.M.yyyy", "dd/MM/yyyy", "d/M/yyyy", "yyyy.MM.dd", "yyyy/MM/dd"];

    private static readonly DateOnly _excelEpoch = new(1899, 12, 30);

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _genders = BuildGenders();

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLetters(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    private static Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> BuildGenders()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in new[] { "м", "муж", "мужской", "мужчина", "male", "m", "man" })
        {
            map[s] = ContactGender.Male;
        }

        foreach (var s in new[] { "ж", "жен", "женский", "женщина", "female", "f", "woman", "w" })
        {
            map[s] = ContactGender.Female;
        }

        foreach (var s in new[] { "unknown", "u", "не указан", "не указано", "неизвестно", "другое", "other" })
        {
            map[s] = ContactGender.Unknown;
        }

        return map.GetAlternateLookup<ReadOnlySpan<char>>();
    }
}
