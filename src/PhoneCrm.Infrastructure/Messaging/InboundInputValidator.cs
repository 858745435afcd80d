using FluentValidation;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>The rules of an inbound SMS as a provider's webhook or the simulator posts it.</summary>
public sealed class InboundInputValidator : InputValidator<InboundInput>
{
    public const int MaxTextLength = 2000;

    public static InboundInputValidator Instance { get; } = new();

    private InboundInputValidator()
    {
        Field(x => x.From, "from")
            .Must(f => !string.IsNullOrWhiteSpace(f)).WithMessage("from is required.")
            .Must(f => f!.Trim().Length <= PhoneParser.MaxInputLength).WithMessage("from is too long.");
        Field(x => x.Text, "text")
            .NotNull().WithMessage("text is required.")
            .Must(t => t!.Length <= MaxTextLength).WithMessage($"text is too long ({MaxTextLength} characters at most).");
        Field(x => x.To, "to").Must(t => t is not { Length: > 64 }).WithMessage("to is too long.");
        Field(x => x.ProviderMessageId, "providerMessageId")
            .Must(id => id is not { Length: > 100 }).WithMessage("providerMessageId is too long (100 characters at most).");
    }
}
