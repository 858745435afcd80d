using System.Collections.Concurrent;
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
    public const int MaxGenderLength = 50;
    public const int MaxBirthDateLength = 50;
    public const int MaxTagsFieldLength = 2000;

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
        if (!TryText(row, ImportField.FirstName, ContactFields.NameMax, out var firstName))
        {
            tooLong = ImportField.FirstName;
        }

        if (!TryText(row, ImportField.LastName, ContactFields.NameMax, out var lastName))
        {
            tooLong ??= ImportField.LastName;
        }

        if (!TryText(row, ImportField.City, ContactFields.CityMax, out var city))
        {
            tooLong ??= ImportField.City;
        }

        if (!TryTrimmed(row, ImportField.Email, ContactFields.EmailMax, out var email))
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
            normalizedEmail = ContactFields.IsEmail(email) ? email.ToString().ToLowerInvariant() : null;
            if (normalizedEmail is null)
            {
                (invalid ??= []).Add(ImportField.Email.Name());
            }
        }

        string? normalizedGender = null;
        if (!gender.IsEmpty)
        {
            normalizedGender = ContactFields.GenderFromText(gender);
            if (normalizedGender is null)
            {
                (invalid ??= []).Add(ImportField.Gender.Name());
            }
        }

        DateOnly? normalizedBirthDate = null;
        if (!birthDate.IsEmpty)
        {
            normalizedBirthDate = ContactFields.BirthDateFromText(birthDate, _today);
            if (normalizedBirthDate is null)
            {
                (invalid ??= []).Add(ImportField.BirthDate.Name());
            }
        }

        // A name or city keeps no control character (ContactFields); like a bad email, the value is dropped, not the row.
        firstName = SingleLine(firstName, ImportField.FirstName, ref invalid);
        lastName = SingleLine(lastName, ImportField.LastName, ref invalid);
        city = SingleLine(city, ImportField.City, ref invalid);
        if (tags.Any(t => !ContactFields.IsSingleLine(t)))
        {
            tags = tags.Where(t => ContactFields.IsSingleLine(t)).ToArray();
            (invalid ??= []).Add(ImportField.Tags.Name());
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

    private static string? SingleLine(string? value, ImportField field, ref List<string>? invalid)
    {
        if (value is null || ContactFields.IsSingleLine(value)) return value;
        (invalid ??= []).Add(field.Name());
        return null;
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

        value = ContactFields.CollapseWhitespace(span, row.Field(_mapping[field])!);
        return value.Length <= max;
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

            if (part.Length > ContactFields.TagMax * 4)
            {
                error = ImportRejectReasons.FieldTooLong(ImportField.Tags);
                return [];
            }

            var tag = ContactFields.NormalizeTag(part);
            if (tag.Length > ContactFields.TagMax)
            {
                error = ImportRejectReasons.FieldTooLong(ImportField.Tags);
                return [];
            }

            if (!tags.Contains(tag))
            {
                tags.Add(tag);
            }
        }

        if (tags.Count > ContactFields.TagsMax)
        {
            error = ImportRejectReasons.TooManyTags;
            return [];
        }

        return tags.ToArray();
    }
}
