using FluentValidation;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>The rules of api-v1 "Sending settings" (<see cref="SendingSettingsDto"/>).</summary>
public sealed class SendingSettingsValidator : InputValidator<SendingSettingsDto>
{
    public const int CapMax = 1000;

    public static SendingSettingsValidator Instance { get; } = new();

    private SendingSettingsValidator()
    {
        Field(x => x.TimeZone, "timeZone")
            .Must(z => !string.IsNullOrWhiteSpace(z) && !ControlCharacters.AreIn(z) && TimeZoneInfo.TryFindSystemTimeZoneById(z.Trim(), out _))
            .WithMessage("An IANA time zone such as Europe/Moscow is required.");
        Field(x => x.MarketingWindow, "marketingWindow").NotNull().WithMessage("The marketing window is required.");
        When(x => x.MarketingWindow is not null, () =>
        {
            Field(x => x.MarketingWindow!.From, "marketingWindow.from").Must(t => WeekDays.TryParseTime(t, out _)).WithMessage("A time HH:mm is required.");
            Field(x => x.MarketingWindow!.To, "marketingWindow.to").Must(t => WeekDays.TryParseTime(t, out _)).WithMessage("A time HH:mm is required.");
            Field(x => x.MarketingWindow!.Days, "marketingWindow.days")
                .Must(d => d is { Count: > 0 } && d.All(day => WeekDays.Parse(day) is not null))
                .WithMessage("One or more of mon, tue, wed, thu, fri, sat, sun.");
        });
        Field(x => x.Caps, "caps").NotNull().WithMessage("The caps are required.");
        When(x => x.Caps is not null, () =>
        {
            Field(x => x.Caps!.PerDay, "caps.perDay").Cap();
            Field(x => x.Caps!.InformationalPerWeek, "caps.informationalPerWeek").Cap();
            Field(x => x.Caps!.PromotionalPerMonth, "caps.promotionalPerMonth").Cap();
        });
    }
}

internal static class SendingSettingsRules
{
    public static IRuleBuilderOptions<T, int?> Cap<T>(this IRuleBuilder<T, int?> rule) =>
        rule.Must(v => v is >= 0 and <= SendingSettingsValidator.CapMax)
            .WithMessage($"A whole number from 0 to {SendingSettingsValidator.CapMax} is required.");
}
