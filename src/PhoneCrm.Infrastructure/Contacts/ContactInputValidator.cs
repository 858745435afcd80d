using FluentValidation;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Contacts;

/// <summary>
/// The API's and the card's rules for a <see cref="ContactInput"/>, built on <see cref="ContactFields"/>: a bad value
/// is refused (the import, which drops bad optional values instead, applies the same <see cref="ContactFields"/>).
/// </summary>
public sealed class ContactInputValidator : InputValidator<ContactInput>
{
    public const string PhoneRequiredMessage = "Phone is required.";
    public const string PhoneInvalidMessage = "Enter a valid phone number.";
    public const string StatusMessage = "Status must be active or unreachable.";

    public static string SourceChannelMessage { get; } =
        "Unknown source channel. Use one of: " + string.Join(", ", ContactSources.All) + ".";

    /// <param name="defaultRegion">The tenant's region for numbers without a country code.</param>
    /// <param name="phoneRequired">Creating needs a phone; editing a card may leave it out.</param>
    /// <param name="today">Latest acceptable birth date.</param>
    public ContactInputValidator(string defaultRegion, bool phoneRequired, DateOnly today)
    {
        Field(x => x.Phone, "phone")
            .Must(p => !string.IsNullOrWhiteSpace(p)).When(_ => phoneRequired).WithMessage(PhoneRequiredMessage)
            .Must(p => string.IsNullOrWhiteSpace(p) || PhoneParser.Parse(p, defaultRegion).IsSuccess).WithMessage(PhoneInvalidMessage);

        Field(x => x.FirstName, "firstName").SingleLine(ContactFields.NameMax);
        Field(x => x.LastName, "lastName").SingleLine(ContactFields.NameMax);
        Field(x => x.Email, "email").SingleLine(ContactFields.EmailMax)
            .Must(e => string.IsNullOrWhiteSpace(e) || ContactFields.IsEmail(e.AsSpan().Trim())).WithMessage(ContactFields.EmailMessage);
        Field(x => x.City, "city").SingleLine(ContactFields.CityMax);

        Field(x => x.Gender, "gender")
            .Must(g => string.IsNullOrWhiteSpace(g) || ContactFields.IsGender(g)).WithMessage(ContactFields.GenderMessage);

        Field(x => x.BirthDate, "birthDate")
            .Must(b => string.IsNullOrWhiteSpace(b) || ContactFields.TryParseIsoDate(b, out _)).WithMessage(ContactFields.BirthDateFormatMessage)
            .Must(b => string.IsNullOrWhiteSpace(b) || (ContactFields.TryParseIsoDate(b, out var d) && ContactFields.IsBirthDateInRange(d, today)))
            .WithMessage(ContactFields.BirthDateRangeMessage);

        Field(x => x.Tags, "tags")
            .Must(t => t is null || ContactInput.NormalizeTags(t).All(tag => tag.Length <= ContactFields.TagMax)).WithMessage(ContactFields.TagLengthMessage)
            .Must(t => t is null || ContactInput.NormalizeTags(t).Count <= ContactFields.TagsMax).WithMessage(ContactFields.TagsCountMessage)
            .Must(t => t is null || t.All(tag => tag is null || !ControlCharacters.AreIn(tag))).WithMessage(ControlCharacters.Message);

        Field(x => x.SourceChannel, "source.channel")
            .Must(c => string.IsNullOrWhiteSpace(c) || ContactSources.All.Contains(c.Trim().ToLowerInvariant())).WithMessage(SourceChannelMessage);
        Field(x => x.SourceDetail, "source.detail").SingleLine(ContactFields.SourceDetailMax);

        Field(x => x.Attributes, "attributes")
            .Must(a => a is null || ContactFields.AttributesError(a) is null).WithMessage(a => ContactFields.AttributesError(a.Attributes!)!);

        Field(x => x.Status, "status")
            .Must(s => string.IsNullOrWhiteSpace(s) || s.Trim().ToLowerInvariant() is ContactStatus.Active or ContactStatus.Unreachable)
            .WithMessage(StatusMessage);
    }
}

internal static class ContactInputRules
{
    /// <summary>A one-line text field: length once trimmed, then no control character at all.</summary>
    public static IRuleBuilderOptions<T, string?> SingleLine<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.MaxTrimmed(max)
            .Must(v => v is null || ContactFields.IsSingleLine(v.AsSpan().Trim())).WithMessage(ControlCharacters.Message);
}
