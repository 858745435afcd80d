using FluentValidation;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

/// <summary>
/// The rules of a <see cref="CampaignInput"/> that need no database (the service adds: the segment exists, the purpose is
/// known). A marketing text must tell how to opt out; a transactional purpose makes the campaign transactional.
/// </summary>
public sealed class CampaignInputValidator : InputValidator<CampaignInput>
{
    public const int NameMax = 200;
    public const string PurposeMessage = "A known consent purpose is required.";

    public static CampaignInputValidator Instance { get; } = new();

    private CampaignInputValidator()
    {
        Field(x => x.Name, "name")
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Name is required.")
            .MaxTrimmed(NameMax)
            .NoControlCharacters();
        Field(x => x.SegmentId, "segmentId").NotNull().WithMessage("An existing segment is required.");
        Field(x => x.Purpose, "purpose")
            .Must(p => !string.IsNullOrWhiteSpace(p)).WithMessage(PurposeMessage)
            .NoControlCharacters();
        Field(x => x.Category, "category")
            .Must((input, _) => input.Purpose?.Trim() == "transactional"
                || (input.Category?.Trim() ?? SmsCategories.Promotional) is SmsCategories.Promotional or SmsCategories.Informational)
            .WithMessage("promotional or informational.");
        Field(x => x.Text, "text").MessageText(IsMarketing);
        When(x => x.AbTest is not null, () =>
        {
            Field(x => x.AbTest!.VariantB, "abTest.variantB").MessageText(IsMarketing);
            Field(x => x.AbTest!.TestPercent, "abTest.testPercent").Must(p => p is >= 1 and <= 50).WithMessage("A whole number from 1 to 50.");
            Field(x => x.AbTest!.DecideAfterMinutes, "abTest.decideAfterMinutes")
                .Must(m => m is >= 1 and <= 10080).WithMessage("From 1 to 10080 minutes.");
        });
        Field(x => x.ThrottlePerMinute, "throttlePerMinute").Must(t => t is not { } v || v is >= 1 and <= 1_000_000).WithMessage("From 1 to 1000000.");
    }

    /// <summary>A transactional purpose makes a transactional campaign; otherwise the category given, promotional by default.</summary>
    public static string CategoryOf(CampaignInput input) =>
        input.Purpose?.Trim() == "transactional" ? SmsCategories.Transactional : input.Category?.Trim() ?? SmsCategories.Promotional;

    private static bool IsMarketing(CampaignInput input) => CategoryOf(input) != SmsCategories.Transactional;
}
