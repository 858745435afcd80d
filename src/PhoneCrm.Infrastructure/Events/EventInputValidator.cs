using System.Text;
using FluentValidation;
using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Events;

/// <summary>
/// The rules of an <see cref="EventInput"/> (API and events import): a known type, the idempotency key, a phone, data
/// within 64 kB with a readable amount and items. The phone's parse in the tenant's region is <see cref="EventInput.Validate"/>'s.
/// </summary>
public sealed class EventInputValidator : InputValidator<EventInput>
{
    public static EventInputValidator Instance { get; } = new();

    private EventInputValidator()
    {
        Field(x => x.Type, "type")
            .Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage("Type is required.")
            .Must(t => EventTypes.All.Contains(t!.Trim().ToLowerInvariant()))
            .WithMessage("Unknown event type. Use one of: " + string.Join(", ", EventTypes.All) + ".");
        Field(x => x.ExternalId, "externalId")
            .Must(id => !string.IsNullOrWhiteSpace(id)).WithMessage("External id is required (it is the idempotency key).")
            .MaxTrimmed(EventInput.ExternalIdMax)
            .NoControlCharacters();
        Field(x => x.Phone, "phone").Must(p => !string.IsNullOrWhiteSpace(p)).WithMessage("Phone is required.");
        Field(x => x.Data, "data")
            .Must(d => d is null || Encoding.UTF8.GetByteCount(d.ToJsonString()) <= EventInput.DataMaxBytes).WithMessage("Data may take at most 64 kB.");
        RuleFor(x => x.Data).Custom((data, context) =>
        {
            var d = data ?? [];
            if (EventInput.ReadAmount(d).Error is { } amount)
                context.AddFailure(d["amount"] is null ? "data.items" : "data.amount", amount);
            else if (EventInput.ReadCategories(d).Error is { } items) context.AddFailure("data.items", items);
        });
    }
}
