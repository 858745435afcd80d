using FluentValidation;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>A purpose as the settings page sends it, already trimmed.</summary>
public sealed record PurposeInput(string Code, string Name, int? ValidityDays, IReadOnlyList<string> AllowedBases, int? RetentionDays = null);

/// <summary>
/// The rules of a purpose that need no database (<see cref="ConsentPurposes.SaveAsync"/> adds taken/unknown code and
/// the required name of custom purposes). Keys are the form's field names; messages are the page's localisation keys.
/// </summary>
public sealed class PurposeInputValidator : InputValidator<PurposeInput>
{
    public const string CodeFormat = "Code: 2–40 lowercase Latin letters, digits or _, starting with a letter.";

    /// <summary>Formatted with <see cref="ConsentPurposes.MaxValidityDays"/> once localised.</summary>
    public const string ValidityRange = "From 1 to {0} days, or empty for no fixed term.";

    public const string RetentionRange = "From 0 to 30 days, or empty for the law's 30 days.";

    public static PurposeInputValidator Instance { get; } = new();

    private PurposeInputValidator()
    {
        Field(x => x.Code, "Code").Matches("^[a-z][a-z0-9_]{1,39}$").WithMessage(CodeFormat);
        Field(x => x.ValidityDays, "ValidityDays").Must(d => d is null or (>= 1 and <= ConsentPurposes.MaxValidityDays)).WithMessage(ValidityRange);
        Field(x => x.AllowedBases, "AllowedBases")
            .Must(b => b.Count > 0 && b.All(basis => ConsentTerms.LegalBases.Contains(basis))).WithMessage("Required.")
            .Must((x, b) => x.Code != ConsentTerms.Marketing || b.All(basis => basis == "consent"))
            .WithMessage("Marketing may rest only on consent (38-FZ Art. 18).");
        Field(x => x.RetentionDays, "RetentionDays").Must(d => d is null or (>= 0 and <= Domain.Requests.AccessReport.DestructionDays))
            .WithMessage(RetentionRange);
        Field(x => x.Name, "Name").MaximumLength(ConsentPurposes.NameMax).WithMessage("Too long.");
    }
}
