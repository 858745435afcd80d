using System.Text.Json.Nodes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Contacts;

/// <summary>
/// What a caller (API upsert, UI form, demo seeder) says about a contact. Null means "not given".
/// Its rules are <see cref="ContactInputValidator"/> (over <see cref="ContactFields"/>).
/// </summary>
public sealed class ContactInput
{
    public string? Phone { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? City { get; set; }
    public string? Gender { get; set; }
    /// <summary>ISO date <c>yyyy-MM-dd</c>.</summary>
    public string? BirthDate { get; set; }
    public IReadOnlyList<string>? Tags { get; set; }
    public string? SourceChannel { get; set; }
    public string? SourceDetail { get; set; }
    public JsonObject? Attributes { get; set; }
    public string? Status { get; set; }

    /// <summary>The input after validation: parsed phone and date, trimmed strings, normalised tags.</summary>
    public sealed record Valid(
        NormalizedPhone? Phone, string? FirstName, string? LastName, string? Email, string? City, string? Gender,
        DateOnly? BirthDate, bool BirthDateGiven, IReadOnlyList<string>? Tags, string? SourceChannel, string? SourceDetail,
        JsonObject? Attributes, string? Status);

    /// <summary>Checks every field (<see cref="ContactInputValidator"/>); <paramref name="errors"/> is keyed by the API field name.</summary>
    public Valid? Validate(string defaultRegion, bool phoneRequired, out ValidationErrors errors, DateOnly? today = null)
    {
        errors = new ContactInputValidator(defaultRegion, phoneRequired, today ?? DateOnly.FromDateTime(DateTime.UtcNow)).Check(this);
        if (!errors.IsValid) return null;

        var birthGiven = !string.IsNullOrWhiteSpace(BirthDate);
        DateOnly? birth = birthGiven && ContactFields.TryParseIsoDate(BirthDate, out var d) ? d : null;
        return new Valid(
            string.IsNullOrWhiteSpace(Phone) ? null : PhoneParser.Parse(Phone, defaultRegion).Phone,
            Trimmed(FirstName), Trimmed(LastName), Trimmed(Email), Trimmed(City), Trimmed(Gender)?.ToLowerInvariant(),
            birth, birthGiven, Tags is null ? null : NormalizeTags(Tags), Trimmed(SourceChannel)?.ToLowerInvariant(),
            Trimmed(SourceDetail), Attributes, Trimmed(Status)?.ToLowerInvariant());
    }

    /// <summary>Blank tags dropped, the rest normalised (<see cref="ContactFields.NormalizeTag"/>) and distinct.</summary>
    public static List<string> NormalizeTags(IEnumerable<string?> tags) =>
        tags.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => ContactFields.NormalizeTag(t)).Distinct(StringComparer.Ordinal).ToList();

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
