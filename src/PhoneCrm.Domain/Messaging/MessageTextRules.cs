using FluentValidation;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Domain.Messaging;

/// <summary>
/// The one rule of an SMS text a person writes — a template, a campaign (and its variant B), an automation — so each form
/// refuses the same things with the same words: an empty text, too long, a variable nobody fills, marketing without the
/// opt-out instruction (38-FZ), control characters.
/// </summary>
public static class MessageTextRules
{
    public const int MaxLength = 1000;
    public const string Required = "Enter the message text.";
    public const string UnknownVariable = "The text uses an unknown variable: use only those listed under the field.";
    public const string OptOutMissing = "A marketing message must say how to opt out (for example «Отписка: СТОП»).";

    public static IRuleBuilderOptions<T, string?> MessageText<T>(this IRuleBuilder<T, string?> rule, Func<T, bool> isMarketing) =>
        rule.Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage(Required)
            .MaxTrimmed(MaxLength)
            .Must(t => SmsTemplate.Variables(t!).All(v => MessageTemplate.KnownVariables.Contains(v))).WithMessage(UnknownVariable)
            .Must((input, t) => !isMarketing(input) || OptOutRule.HasOptOutInstruction(t!)).WithMessage(OptOutMissing)
            .NoControlCharacters();

    /// <summary>An optional text (a follow-up): nothing, or a text under the same rule.</summary>
    public static IRuleBuilderOptions<T, string?> OptionalMessageText<T>(this IRuleBuilder<T, string?> rule, Func<T, bool> isMarketing) =>
        rule.MaxTrimmed(MaxLength)
            .Must(t => string.IsNullOrWhiteSpace(t) || SmsTemplate.Variables(t).All(v => MessageTemplate.KnownVariables.Contains(v))).WithMessage(UnknownVariable)
            .Must((input, t) => string.IsNullOrWhiteSpace(t) || !isMarketing(input) || OptOutRule.HasOptOutInstruction(t)).WithMessage(OptOutMissing)
            .NoControlCharacters();
}
