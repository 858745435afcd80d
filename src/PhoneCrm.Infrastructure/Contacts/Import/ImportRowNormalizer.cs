using System.Collections.Concurrent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Contacts.Imports;
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

    /// <summary>What separates several numbers written in one cell.</summary>
    private static readonly char[] _numberSeparatorChars = [',', ';'];
    private static readonly System.Buffers.SearchValues<char> _numberSeparators = System.Buffers.SearchValues.Create(_numberSeparatorChars);

    private readonly ColumnMapping _mapping;
    private readonly int[] _phoneColumns;
    private readonly int[] _otherPhoneColumns;
    private readonly string _defaultRegion;
    private readonly DateOnly _today;

    /// <param name="today">Latest acceptable birth date (defaults to today, UTC).</param>
    public ImportRowNormalizer(ColumnMapping mapping, string defaultRegion = "RU", DateOnly? today = null)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        _mapping = mapping;
        _phoneColumns = [.. ImportFields.Phones.Select(f => mapping[f]).Where(i => i >= 0)];
        _otherPhoneColumns = _phoneColumns[1..];
        _defaultRegion = defaultRegion;
        _today = today ?? DateOnly.FromDateTime(DateTime.UtcNow);
    }

    public ImportRowResult Normalize(SourceRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var rawPhone = row.Field(_mapping.Phone);
        if (_otherPhoneColumns.Length > 0 || (rawPhone is not null && rawPhone.AsSpan().IndexOfAny(_numberSeparators) >= 0))
        {
            return NormalizeSeveralNumbers(row, rawPhone);
        }

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

        return NormalizeFields(row, rawPhone, null, []);
    }

    /// <summary>
    /// A row whose numbers come from several phone columns or several numbers in one cell («+7 916 111-22-33, 8 (495)
    /// 123-45-67»). For an SMS base the first mobile number (phone column first, then the other phone columns in
    /// their order) is the contact's number, else the first valid one; every other valid number is kept in
    /// <see cref="NormalizedImportRow.OtherPhones"/>. Only when no number is valid is the row rejected, with the reason
    /// of the first number tried.
    /// </summary>
    private ImportRowResult NormalizeSeveralNumbers(SourceRow row, string? rawPhone)
    {
        List<NormalizedPhone>? valid = null;
        string? firstError = null;
        string? firstRaw = null;
        foreach (var column in _phoneColumns)
        {
            var cell = row.Field(column);
            if (string.IsNullOrWhiteSpace(cell)) continue;
            foreach (var number in SplitNumbers(cell))
            {
                var part = number.AsSpan().Trim();
                if (part.IsEmpty) continue;
                string? error = null;
                if (part.Length > MaxPhoneLength) error = PhoneParseErrors.TooLong;
                else if (IsFormula(part)) error = PhoneParseErrors.NotAPhoneNumber;
                else
                {
                    var parsed = PhoneParser.Parse(number, _defaultRegion);
                    if (parsed.IsSuccess)
                    {
                        valid ??= [];
                        if (!valid.Any(v => v.E164 == parsed.Phone.E164)) valid.Add(parsed.Phone);
                    }
                    else error = parsed.Error;
                }

                if (error is not null && firstError is null)
                {
                    firstError = error;
                    firstRaw = cell;
                }
            }
        }

        if (valid is null)
        {
            return firstError is null
                ? new RejectedRow(row.Line, rawPhone ?? "", ImportRejectReasons.MissingPhone)
                : Reject(row.Line, string.IsNullOrWhiteSpace(rawPhone) ? firstRaw! : rawPhone, ImportRejectReasons.InvalidPhone(firstError));
        }

        var chosen = valid.FirstOrDefault(v => v.Type == PhoneTypes.Mobile) ?? valid[0];
        return NormalizeFields(row, rawPhone ?? chosen.E164, chosen, [.. valid.Where(v => v != chosen).Select(v => v.E164)]);
    }

    private ImportRowResult NormalizeFields(SourceRow row, string rawPhone, NormalizedPhone? phone, string[] otherPhones)
    {
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

        if (!TryText(row, ImportField.MiddleName, ContactFields.NameMax, out var middleName))
        {
            tooLong ??= ImportField.MiddleName;
        }

        if (!TryText(row, ImportField.FullName, ContactFields.NameMax * 3, out var fullName))
        {
            tooLong ??= ImportField.FullName;
        }
        else if (fullName is not null)
        {
            // «ФИО» fills only the parts the file does not give in their own columns.
            var split = PersonName.Split(fullName);
            firstName ??= split.FirstName;
            lastName ??= split.LastName;
            middleName ??= split.MiddleName;
            if (firstName?.Length > ContactFields.NameMax || lastName?.Length > ContactFields.NameMax || middleName?.Length > ContactFields.NameMax)
            {
                tooLong ??= ImportField.FullName;
            }
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

        if (phone is null)
        {
            var parsed = PhoneParser.Parse(rawPhone, _defaultRegion);
            if (!parsed.IsSuccess)
            {
                return Reject(row.Line, rawPhone, ImportRejectReasons.InvalidPhone(parsed.Error));
            }

            phone = parsed.Phone;
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
        middleName = SingleLine(middleName, ImportField.MiddleName, ref invalid);
        city = SingleLine(city, ImportField.City, ref invalid);
        if (tags.Any(t => !ContactFields.IsSingleLine(t)))
        {
            tags = tags.Where(t => ContactFields.IsSingleLine(t)).ToArray();
            (invalid ??= []).Add(ImportField.Tags.Name());
        }

        return new NormalizedImportRow(
            row.Line,
            phone,
            firstName,
            lastName,
            normalizedEmail,
            city,
            normalizedGender,
            normalizedBirthDate,
            tags,
            invalid is null ? [] : invalid.ToArray())
        {
            MiddleName = middleName,
            OtherPhones = otherPhones,
        };
    }

    private static string? SingleLine(string? value, ImportField field, ref List<string>? invalid)
    {
        if (value is null || ContactFields.IsSingleLine(value)) return value;
        (invalid ??= []).Add(field.Name());
        return null;
    }

    /// <summary>
    /// The numbers of one cell: split on <c>,</c> or <c>;</c> when at least two parts are numbers (five digits or
    /// more); a short part belongs to the number before it («8 (495) 123-45-67, доб. 12»). Otherwise the whole cell.
    /// </summary>
    public static IReadOnlyList<string> SplitNumbers(string cell)
    {
        if (cell.AsSpan().IndexOfAny(_numberSeparators) < 0) return [cell];
        var numbers = new List<string>(2);
        foreach (var part in cell.Split(_numberSeparatorChars))
        {
            if (part.Count(char.IsAsciiDigit) >= 5 || numbers.Count == 0) numbers.Add(part);
            else numbers[^1] += ", " + part.Trim();
        }

        return numbers.Count(n => n.Count(char.IsAsciiDigit) >= 5) >= 2 ? numbers : [cell];
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
