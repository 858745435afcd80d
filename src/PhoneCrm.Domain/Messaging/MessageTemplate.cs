using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Messaging;

/// <summary>A saved SMS text a Marketer reuses in campaigns: its purpose decides whether it must carry an opt-out.</summary>
public sealed class MessageTemplate : ITenantOwned
{
    public const int NameMax = 200;
    public const int TextMax = 1000;

    /// <summary>Variables a recipient's text can be rendered with (PRODUCT §2.4).</summary>
    public static readonly IReadOnlyList<string> KnownVariables =
        ["firstName", "lastName", "orderNumber", "amount", "promoCode", "trackingNumber", "link", "appointmentAt", "unsubscribeLink"];

    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string Purpose { get; set; } = ConsentTerms.Marketing;
    public string Category { get; set; } = SmsCategories.Promotional;
    public required string Text { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>What is wrong with a template, keyed by field; empty when it can be saved.</summary>
    public static Dictionary<string, string> Validate(string? name, string? purpose, string? category, string? text)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(name)) errors["name"] = "Enter a name.";
        else if (name.Trim().Length > NameMax) errors["name"] = $"At most {NameMax} characters.";
        if (string.IsNullOrWhiteSpace(purpose)) errors["purpose"] = "Choose a purpose.";
        if (category is not (SmsCategories.Promotional or SmsCategories.Informational or SmsCategories.Transactional))
            errors["category"] = "Choose a category.";
        if (string.IsNullOrWhiteSpace(text)) errors["text"] = "Enter the message text.";
        else if (text.Length > TextMax) errors["text"] = $"At most {TextMax} characters.";
        else if (SmsTemplate.Variables(text).Any(v => !KnownVariables.Contains(v)))
            errors["text"] = "The text uses an unknown variable: use only those listed under the field.";
        else if ((purpose == ConsentTerms.Marketing || category == SmsCategories.Promotional) && !OptOutRule.HasOptOutInstruction(text))
            errors["text"] = "A marketing message must say how to opt out (for example «Отписка: СТОП»).";
        return errors;
    }
}
