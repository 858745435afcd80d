using System.Globalization;
using System.Net.Mail;
using System.Text.Json.Nodes;
using PhoneCrm.Domain.Contacts;

namespace PhoneCrm.Infrastructure.Contacts;

/// <summary>
/// What a caller (API upsert, UI form, demo seeder) says about a contact. Null means "not given".
/// Error messages are English sentences that double as localisation keys for the UI.
/// </summary>
public sealed class ContactInput
{
    public const int NameMax = 100;
    public const int EmailMax = 254;
    public const int CityMax = 100;
    public const int TagMax = 50;
    public const int TagsMax = 50;
    public const int SourceDetailMax = 200;
    public const int AttributesMaxBytes = 16 * 1024;

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

    /// <summary>Checks every field; <paramref name="errors"/> is keyed by the API field name (camelCase).</summary>
    public Valid? Validate(string defaultRegion, bool phoneRequired, out Dictionary<string, string[]> errors, DateOnly? today = null)
    {
        var e = new Dictionary<string, string[]>(StringComparer.Ordinal);
        NormalizedPhone? phone = null;
        if (!string.IsNullOrWhiteSpace(Phone))
        {
            var parsed = PhoneParser.Parse(Phone, defaultRegion);
            if (parsed.IsSuccess) phone = parsed.Phone;
            else e["phone"] = ["Enter a valid phone number."];
        }
        else if (phoneRequired)
        {
            e["phone"] = ["Phone is required."];
        }

        var first = Text(FirstName, "firstName", NameMax, e);
        var last = Text(LastName, "lastName", NameMax, e);
        var email = Text(Email, "email", EmailMax, e);
        if (email is not null && !IsEmail(email)) e["email"] = ["Enter a valid email."];
        var city = Text(City, "city", CityMax, e);

        var gender = string.IsNullOrWhiteSpace(Gender) ? null : Gender.Trim().ToLowerInvariant();
        if (gender is not null && !ContactGender.All.Contains(gender)) e["gender"] = ["Gender must be male, female or unknown."];

        DateOnly? birth = null;
        var birthGiven = !string.IsNullOrWhiteSpace(BirthDate);
        if (birthGiven)
        {
            if (!DateOnly.TryParseExact(BirthDate!.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                e["birthDate"] = ["Birth date must be a date in the form YYYY-MM-DD."];
            else if (d < new DateOnly(1900, 1, 1) || d > (today ?? DateOnly.FromDateTime(DateTime.UtcNow)))
                e["birthDate"] = ["Birth date must be between 1900-01-01 and today."];
            else birth = d;
        }

        List<string>? tags = null;
        if (Tags is not null)
        {
            tags = Tags.Where(t => !string.IsNullOrWhiteSpace(t)).Select(NormalizeTag).Distinct(StringComparer.Ordinal).ToList();
            if (tags.Any(t => t.Length > TagMax)) e["tags"] = [$"A tag may have at most {TagMax} characters."];
            else if (tags.Count > TagsMax) e["tags"] = [$"At most {TagsMax} tags."];
        }

        var channel = string.IsNullOrWhiteSpace(SourceChannel) ? null : SourceChannel.Trim().ToLowerInvariant();
        if (channel is not null && !ContactSources.All.Contains(channel))
            e["source.channel"] = ["Unknown source channel. Use one of: " + string.Join(", ", ContactSources.All) + "."];
        var detail = Text(SourceDetail, "source.detail", SourceDetailMax, e);

        if (Attributes is not null)
        {
            if (System.Text.Encoding.UTF8.GetByteCount(Attributes.ToJsonString()) > AttributesMaxBytes)
                e["attributes"] = ["Attributes may take at most 16 kB."];
            else if (Attributes.Any(p => p.Key.Length is 0 or > 64))
                e["attributes"] = ["Attribute names must have 1 to 64 characters."];
        }

        var status = string.IsNullOrWhiteSpace(Status) ? null : Status.Trim().ToLowerInvariant();
        if (status is not null && status is not (ContactStatus.Active or ContactStatus.Unreachable))
            e["status"] = ["Status must be active or unreachable."];

        errors = e;
        return e.Count > 0 ? null
            : new Valid(phone, first, last, email, city, gender, birth, birthGiven, tags, channel, detail, Attributes, status);
    }

    public static string NormalizeTag(string tag) => tag.Trim().ToLowerInvariant();

    private static string? Text(string? value, string field, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var trimmed = value.Trim();
        if (trimmed.Length > max) errors[field] = [$"At most {max} characters."];
        else if (trimmed.Any(char.IsControl)) errors[field] = ["Control characters are not allowed."];
        return trimmed;
    }

    private static bool IsEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != email.LastIndexOf('@') || email.Contains(' ', StringComparison.Ordinal)) return false;
        var domain = email[(at + 1)..];
        if (!domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.')) return false;
        return MailAddress.TryCreate(email, out var parsed) && parsed.Address == email;
    }
}
