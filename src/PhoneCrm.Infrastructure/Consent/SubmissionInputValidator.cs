using FluentValidation;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// A public form submission as checked: the trimmed phone, the name only when the form asks it, the ticked purposes,
/// the purposes the form <paramref name="Offered"/> and the tenant's region for reading the phone.
/// </summary>
public sealed record SubmissionInput(string Phone, string? Name, IReadOnlyList<string> Purposes, IReadOnlyList<string> Offered, string Region);

/// <summary>Keys <c>phone</c>, <c>name</c>, <c>purposes</c>; messages are the public page's localisation keys.</summary>
public sealed class SubmissionInputValidator : InputValidator<SubmissionInput>
{
    public const string NotAPhone = "This is not a phone number. Example: +7 (916) 123-45-67.";

    public static SubmissionInputValidator Instance { get; } = new();

    private SubmissionInputValidator()
    {
        Field(x => x.Phone, "phone").NotEmpty().WithMessage("Enter your phone number.")
            .Must((x, p) => p.Length <= PhoneParser.MaxInputLength && PhoneParser.TryParse(p, out _, x.Region)).WithMessage(NotAPhone);
        Field(x => x.Name, "name").MaximumLength(ContactFields.NameMax).WithMessage("The name is too long (at most 100 characters).");
        Field(x => x.Purposes, "purposes")
            .NotEmpty().WithMessage("Tick at least one consent: nothing was recorded, because consent is given only by ticking a box.")
            .Must((x, ticked) => ticked.All(p => x.Offered.Contains(p))).WithMessage("This form does not offer that purpose.");
    }
}
