using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Contacts.Import;

/// <summary>
/// A row ready to merge. Optional fields are null when the cell was empty or invalid; an invalid optional value
/// (email, birth date, gender) never rejects the row — its field name is listed in <see cref="InvalidFields"/>
/// so the report can warn, and the contact keeps whatever it had.
/// </summary>
/// <param name="Gender"><c>male|female|unknown</c>, or null when not given.</param>
/// <param name="Tags">Trimmed, lower-case, distinct, in file order (at most <see cref="PhoneCrm.Domain.Contacts.ContactFields.TagsMax"/>).</param>
/// <param name="InvalidFields">Wire names (<c>email</c>, <c>birth_date</c>, <c>gender</c>) of values that were dropped.</param>
public sealed record NormalizedImportRow(
    int Line,
    NormalizedPhone Phone,
    string? FirstName,
    string? LastName,
    string? Email,
    string? City,
    string? Gender,
    DateOnly? BirthDate,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> InvalidFields) : ImportRowResult(Line)
{
    public string? MiddleName { get; init; }

    /// <summary>The row's other valid numbers (E.164), kept on the contact (<c>other_phones_cipher</c>), never dropped.</summary>
    public IReadOnlyList<string> OtherPhones { get; init; } = [];
}

/// <summary>Reasons written to the rejected-rows report; stable strings.</summary>
public static class ImportRejectReasons
{
    public const string MissingPhone = "missing phone";
    public const string TooManyTags = "too many tags";

    /// <summary><c>invalid phone: not a phone number</c>, <c>invalid phone: too short</c>, … (see <see cref="PhoneParseErrors"/>).</summary>
    public static string InvalidPhone(string parseError) => "invalid phone: " + parseError;

    /// <summary><c>field too long: first_name</c>, …</summary>
    public static string FieldTooLong(ImportField field) => "field too long: " + field.Name();
}
