using FluentValidation;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// The rules of a capture form that need no database (<see cref="CaptureForms.SaveAsync"/> adds known purposes, the
/// text's existence and its coverage). Keys are the <see cref="CaptureFormInput"/> property names; messages are the
/// page's localisation keys.
/// </summary>
public sealed class CaptureFormInputValidator : InputValidator<CaptureFormInput>
{
    public const string Required = "Required.";
    public const string WebAddress = "Enter a full web address (https://…).";

    public static CaptureFormInputValidator Instance { get; } = new();

    private CaptureFormInputValidator()
    {
        Field(x => x.Name, nameof(CaptureFormInput.Name)).Must(v => !string.IsNullOrWhiteSpace(v)).WithMessage(Required)
            .MaxTrimmed(CaptureForm.NameMax).WithMessage("Too long.");
        Field(x => x.ThankYouText, nameof(CaptureFormInput.ThankYouText)).Must(v => !string.IsNullOrWhiteSpace(v)).WithMessage(Required)
            .MaxTrimmed(CaptureForm.ThankYouMax).WithMessage("Too long.");
        Field(x => x.PrivacyPolicyUrl, nameof(CaptureFormInput.PrivacyPolicyUrl))
            .Must(v => string.IsNullOrWhiteSpace(v) || CaptureForms.IsWebUrl(v.Trim())).WithMessage(WebAddress);
        Field(x => x.RedirectUrl, nameof(CaptureFormInput.RedirectUrl))
            .Must(v => string.IsNullOrWhiteSpace(v) || CaptureForms.IsWebUrl(v.Trim())).WithMessage(WebAddress);
        Field(x => x.PurposeCodes, nameof(CaptureFormInput.PurposeCodes)).NotEmpty().WithMessage(Required);
        Field(x => x.TextVersionId, nameof(CaptureFormInput.TextVersionId)).NotNull().WithMessage(Required);
    }
}
