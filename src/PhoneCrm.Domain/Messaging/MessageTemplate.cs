using FluentValidation;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Domain.Messaging;

/// <summary>A saved SMS text a Marketer reuses in campaigns: its purpose decides whether it must carry an opt-out.</summary>
public sealed class MessageTemplate : ITenantOwned
{
    public const int NameMax = 200;
    public const int TextMax = MessageTextRules.MaxLength;

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

    /// <summary>What is wrong with a template (<see cref="MessageTemplateValidator"/>); valid when it can be saved.</summary>
    public static ValidationErrors Validate(string? name, string? purpose, string? category, string? text) =>
        MessageTemplateValidator.Instance.Check(new MessageTemplateInput(name, purpose, category, text));
}

/// <summary>A template as the form states it.</summary>
public sealed record MessageTemplateInput(string? Name, string? Purpose, string? Category, string? Text);

/// <summary>A named template with a purpose, a category and a text whose variables are known and which, for marketing, tells how to opt out.</summary>
public sealed class MessageTemplateValidator : InputValidator<MessageTemplateInput>
{
    public static MessageTemplateValidator Instance { get; } = new();

    private MessageTemplateValidator()
    {
        Field(x => x.Name, "name")
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Enter a name.")
            .MaxTrimmed(MessageTemplate.NameMax)
            .NoControlCharacters();
        Field(x => x.Purpose, "purpose").Must(p => !string.IsNullOrWhiteSpace(p)).WithMessage("Choose a purpose.").NoControlCharacters();
        Field(x => x.Category, "category")
            .Must(c => c is SmsCategories.Promotional or SmsCategories.Informational or SmsCategories.Transactional)
            .WithMessage("Choose a category.");
        Field(x => x.Text, "text").MessageText(input => input.Purpose == ConsentTerms.Marketing || input.Category == SmsCategories.Promotional);
    }
}
