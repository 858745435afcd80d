using FluentValidation;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Messaging.Automations;

/// <summary>
/// The rules of an automation's settings. Marketing kinds also need the opt-out instruction (38-FZ), so there is one
/// validator per audience. Keys are the page's field names; messages are its localisation keys.
/// </summary>
public sealed class AutomationInputValidator : InputValidator<AutomationInput>
{
    public static AutomationInputValidator Marketing { get; } = new(marketing: true);
    public static AutomationInputValidator Service { get; } = new(marketing: false);

    private AutomationInputValidator(bool marketing)
    {
        Field(x => x.Text, "text").MessageText(_ => marketing);
        Field(x => x.FollowUpText, "followUpText").OptionalMessageText(_ => marketing);
        // No delay given means the kind's default, which is always in range.
        Field(x => x.DelayMinutes, "delayMinutes").Must(d => d is null or (>= 0 and <= AutomationSettings.MaxDelayMinutes))
            .WithMessage("The delay must be between 0 minutes and one year.");
        Field(x => x.Category, "category").MaximumLength(100).WithMessage("At most 100 characters.");
        Field(x => x.PromoCode, "promoCode").MaximumLength(50).WithMessage("At most 50 characters.");
    }
}
