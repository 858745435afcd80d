using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Contacts.Import;

/// <summary>
/// Turns a mapped <see cref="SourceRow"/> into a <see cref="NormalizedImportRow"/> or a <see cref="RejectedRow"/>.
/// <para>Rules. Only a missing or invalid phone, or an oversized field, rejects a row; an invalid optional value
/// (email, birth date, gender) is dropped and named in <see cref="NormalizedImportRow.InvalidFields"/>, because
/// losing a valid phone over a typo in an email is worse than importing it without the email. Every length limit is
/// checked on the trimmed span before any other work, so a 100 kB cell costs one scan and never reaches
/// libphonenumber. Spreadsheet formulas in text fields (<c>=HYPERLINK(…)</c>, <c>=cmd|' /C calc'!A0</c>) are kept as
/// plain text within the limits — nothing here evaluates them and exports neutralise them; a formula in the phone
/// cell is <c>invalid phone: not a phone number</c>.</para>
/// <para>Thread-safe (no mutable state); <see cref="NormalizeBatch(IReadOnlyList{SourceRow})"/> runs rows in parallel.</para>
/// </summary>
public sealed class ImportRowNormalizer
{
    public const int MaxRejectedValueLength = 200;
    public const int MaxPhoneLength = 256;
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;
    public const int MaxCityLength = 100;
    public const int MaxGenderLength = 50;
    public const int MaxBirthDateLength = 50;
    public const int MaxTagLength = 50;
    public const int MaxTags = 20;
    public const int MaxTagsFieldLength = 2000;

    private static readonly string[] _dateFormats =
        ["yyyy-MM-dd", "yyyy-M-d", "dd.MM.yyyy", "d.M.yyyy", "dd/MM/yyyy", "d/M/yyyy", "yyyy.MM.dd", "yyyy/MM/dd"];

    private static readonly DateOnly _excelEpoch = new(1899, 12, 30);
    private static readonly DateOnly _minBirthDate = new(1900, 1, 1);

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _genders = BuildGenders();

    private readonly ColumnMapping _mapping;
    private readonly string _defaultRegion;
    private readonly DateOnly _today;

    /// <param name="today">Latest acceptable birth date (defaults to today, UTC).</param>
    public ImportRowNormalizer(ColumnMapping mapping, string defaultRegion = "RU", DateOnly? today = null)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        _mapping = mapping;
        _defaultRegion = defaultRegion;
        _today = today ?? DateOnly.FromDateTime(DateTime.UtcNow);
    }

    public ImportRowResult Normalize(SourceRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var rawPhone = row.Field(_mapping.Phone);
        if (string.IsNullOrWhiteSpace(rawPhone))
        {
            return new RejectedRow(row.Line, rawPhone ?? "", ImportRejectReasons.MissingPhone);
        }

        var phoneSpan = rawPhone.AsSpan().Trim();
        if (phoneSpan.Length > MaxPhoneLength)
        {
            return Reject(row.Line, rawPhone, ImportRejectReasons.InvalidPhone(PhoneParseErrors.TooLong));
        }

        if (IsFormula(phoneSpan))
        {
            return Reject(row.Line, rawPhone, ImportRejectReasons.InvalidPhone(PhoneParseErrors.NotAPhoneNumber));
        }

        // Length checks of the other fields first: they are cheaper than the phone parse.
        ImportField? tooLong = null;
        if (!TryText(row, ImportField.FirstName, MaxNameLength, out var firstName))
        {
            tooLong = ImportField.FirstName;
        }

        if (!TryText(row, ImportField.LastName, MaxNameLength, out var lastName))
        {
            tooLong ??= ImportField.LastName;
        }

        if (!TryText(row, ImportField.City, MaxCityLength, out var city))
        {
            tooLong ??= ImportField.City;
        }

        if (!TryTrimmed(row, ImportField.Email, MaxEmailLength, out var email))
        {
            tooLong ??= ImportField.Email;
        }

        if (!TryTrimmed(row, ImportField.Gender, MaxGenderLength, out var gender))
        {
            tooLong ??= ImportField.Gender;
        }

        if (!TryTrimmed(row, ImportField.BirthDate, MaxBirthDateLength, out var birthDate))
        {
            tooLong ??= ImportField.BirthDate;
        }

        if (!TryTrimmed(row, ImportField.Tags, MaxTagsFieldLength, out var tagsText))
        {
            tooLong ??= ImportField.Tags;
        }

        if (tooLong is { } field)
        {
            return Reject(row.Line, rawPhone, ImportRejectReasons.FieldTooLong(field));
        }

        var tags = ParseTags(tagsText, out var tagError);
        if (tagError is not null)
        {
            return Reject(row.Line, rawPhone, tagError);
        }

        var parsed = PhoneParser.Parse(rawPhone, _defaultRegion);
        if (!parsed.IsSuccess)
        {
            return Reject(row.Line, rawPhone, ImportRejectReasons.InvalidPhone(parsed.Error));
        }

        List<string>? invalid = null;
        string? normalizedEmail = null;
        if (!email.IsEmpty)
        {
            normalizedEmail = NormalizeEmail(email);
            if (normalizedEmail is null)
            {
                (invalid ??= []).Add(ImportField.Email.Name());
            }
        }

        string? normalizedGender = null;
        if (!gender.IsEmpty)
        {
            normalizedGender = NormalizeGender(gender);
            if (normalizedGender is null)
            {
                (invalid ??= []).Add(ImportField.Gender.Name());
            }
        }

        DateOnly? normalizedBirthDate = null;
        if (!birthDate.IsEmpty)
        {
            normalizedBirthDate = ParseBirthDate(birthDate, _today);
            if (normalizedBirthDate is null)
            {
                (invalid ??= []).Add(ImportField.BirthDate.Name());
            }
        }

        return new NormalizedImportRow(
            row.Line,
            parsed.Phone,
            firstName,
            lastName,
            normalizedEmail,
            city,
            normalizedGender,
            normalizedBirthDate,
            tags,
            invalid is null ? [] : invalid.ToArray());
    }

    /// <summary>Normalises a batch (a few thousand rows) on all cores; results are in the order of <paramref name="rows"/>.</summary>
    public ImportRowResult[] NormalizeBatch(IReadOnlyList<SourceRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var results = new ImportRowResult[rows.Count];
        NormalizeBatch(rows, results);
        return results;
    }

    /// <summary>Normalises <paramref name="rows"/> into <paramref name="results"/> (same index) in parallel.</summary>
    public void NormalizeBatch(IReadOnlyList<SourceRow> rows, ImportRowResult[] results)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(results);
        if (results.Length < rows.Count)
        {
            throw new ArgumentException("The results array is shorter than the batch.", nameof(results));
        }

        if (rows.Count < 512)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                results[i] = Normalize(rows[i]);
            }

            return;
        }

        Parallel.ForEach(Partitioner.Create(0, rows.Count, 256), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                results[i] = Normalize(rows[i]);
            }
        });
    }

    /// <summary><c>=…</c> or <c>@…</c>, or <c>+</c>/<c>-</c> followed by a letter: a spreadsheet formula, never a phone.</summary>
    internal static bool IsFormula(ReadOnlySpan<char> s) =>
        !s.IsEmpty && (s[0] is '=' or '@' || (s[0] is '+' or '-' && s.Length > 1 && char.IsLetter(s[1])));

    private static RejectedRow Reject(int line, string rawPhone, string reason) =>
        new(line, rawPhone.Length > MaxRejectedValueLength ? rawPhone[..MaxRejectedValueLength] : rawPhone, reason);

    private ReadOnlySpan<char> Cell(SourceRow row, ImportField field)
    {
        var index = _mapping[field];
        return index < 0 ? default : row.Field(index).AsSpan().Trim();
    }

    private bool TryTrimmed(SourceRow row, ImportField field, int max, out ReadOnlySpan<char> value)
    {
        value = Cell(row, field);
        return value.Length <= max;
    }

    // Trimmed, whitespace runs (newlines, tabs, NBSP) collapsed to one space; null when empty.
    private bool TryText(SourceRow row, ImportField field, int max, out string? value)
    {
        value = null;
        var span = Cell(row, field);
        if (span.Length > max * 4)
        {
            return false;
        }

        if (span.IsEmpty)
        {
            return true;
        }

        value = CollapseWhitespace(span, row.Field(_mapping[field])!);
        return value.Length <= max;
    }

    internal static string CollapseWhitespace(ReadOnlySpan<char> trimmed, string original)
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

    /// <summary>Lower-cased address, or null when it is not a plausible <c>local@domain.tld</c>.</summary>
    internal static string? NormalizeEmail(ReadOnlySpan<char> s)
    {
        if (s.Length is < 3 or > MaxEmailLength)
        {
            return null;
        }

        var at = s.IndexOf('@');
        if (at <= 0 || at > 64 || s.LastIndexOf('@') != at)
        {
            return null;
        }

        var local = s[..at];
        var domain = s[(at + 1)..];
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var c in local)
        {
            if (c <= ' ' || c is '"' or '(' or ')' or ',' or ':' or ';' or '<' or '>' or '[' or '\\' or ']' || char.IsWhiteSpace(c))
            {
                return null;
            }
        }

        var labels = 0;
        var tld = ReadOnlySpan<char>.Empty;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return null;
            }

            foreach (var c in label)
            {
                if (!char.IsLetterOrDigit(c) && c != '-')
                {
                    return null;
                }
            }

            labels++;
            tld = label;
        }

        if (labels < 2 || tld.Length < 2 || (!tld.StartsWith("xn--", StringComparison.OrdinalIgnoreCase) && !IsLetters(tld)))
        {
            return null;
        }

        return s.ToString().ToLowerInvariant();
    }

    /// <summary><c>male|female|unknown</c>, or null when the value is not recognised.</summary>
    internal static string? NormalizeGender(ReadOnlySpan<char> s)
    {
        s = s.TrimEnd('.').Trim();
        return _genders.TryGetValue(s, out var gender) ? gender : null;
    }

    /// <summary>
    /// <c>yyyy-MM-dd</c> (a time part is ignored), <c>dd.MM.yyyy</c>, <c>dd/MM/yyyy</c>, or an Excel serial day number
    /// of five digits (10000 = 1927-05-18 … ); a four-digit number is taken for a bare year and refused. Dates before
    /// 1900 or after <paramref name="today"/> are refused.
    /// </summary>
    internal static DateOnly? ParseBirthDate(ReadOnlySpan<char> s, DateOnly today)
    {
        DateOnly date;
        if (s.Length == 5 && IsDigits(s))
        {
            date = _excelEpoch.AddDays(int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture));
        }
        else
        {
            if (s.Length > 10 && s[4] == '-' && (s[10] == ' ' || s[10] == 'T'))
            {
                s = s[..10];
            }

            if (!DateOnly.TryParseExact(s, _dateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                return null;
            }
        }

        return date < _minBirthDate || date > today ? null : date;
    }

    /// <summary>Splits on <c>|</c>, <c>,</c> or <c>;</c>; trimmed, lower-case, distinct. Sets a reason when a limit is broken.</summary>
    internal static string[] ParseTags(ReadOnlySpan<char> s, out string? error)
    {
        error = null;
        if (s.IsEmpty)
        {
            return [];
        }

        var tags = new List<string>(4);
        foreach (var range in s.SplitAny('|', ',', ';'))
        {
            var part = s[range].Trim();
            if (part.IsEmpty)
            {
                continue;
            }

            if (part.Length > MaxTagLength * 4)
            {
                error = ImportRejectReasons.FieldTooLong(ImportField.Tags);
                return [];
            }

            var tag = CollapseWhitespace(part, "").ToLowerInvariant();
            if (tag.Length > MaxTagLength)
            {
                error = ImportRejectReasons.FieldTooLong(ImportField.Tags);
                return [];
            }

            if (!tags.Contains(tag))
            {
                tags.Add(tag);
            }
        }

        if (tags.Count > MaxTags)
        {
            error = ImportRejectReasons.TooManyTags;
            return [];
        }

        return tags.ToArray();
    }

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
            map[s] = "male";
        }

        foreach (var s in new[] { "ж", "жен", "женский", "женщина", "female", "f", "woman", "w" })
        {
            map[s] = "female";
        }

        foreach (var s in new[] { "unknown", "u", "не указан", "не указано", "неизвестно", "другое", "other" })
        {
            map[s] = "unknown";
        }

        return map.GetAlternateLookup<ReadOnlySpan<char>>();
    }
}
