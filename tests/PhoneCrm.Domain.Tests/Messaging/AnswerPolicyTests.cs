using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Domain.Tests.Messaging;

/// <summary>Consent codes, number-change messages and STOP confirmations: decided by the same policy as every SMS.</summary>
public sealed class AnswerPolicyTests
{
    // Wednesday 2026-11-25 03:00 Moscow: quiet hours.
    private static readonly DateTimeOffset _night = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    private static RecipientFacts Facts(string status = ContactStatus.Active, string phoneType = PhoneTypes.Mobile, string? suppression = null,
        bool consent = false) =>
        new(Guid.NewGuid(), status, phoneType, "Europe/Moscow", null, consent, suppression, 9, 9, 9, 9, 9);

    private static SendDecision Decide(string kind, RecipientFacts facts) =>
        SendPolicy.Decide(SendIntent.Answer(kind), facts, SendingSettings.Defaults(Guid.NewGuid()), _night);

    public static TheoryData<string> Kinds => [SmsKinds.ConsentCode, SmsKinds.NumberChange, SmsKinds.OptOutConfirmation];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_answer_is_transactional_and_urgent(string kind)
    {
        var intent = SendIntent.Answer(kind);
        Assert.Equal((SmsCategories.Transactional, "transactional", true), (intent.Category, intent.Purpose, intent.Urgent));
        Assert.True(intent.AnswersRecipient);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Goes_out_at_night_without_consent_and_past_the_caps(string kind)
    {
        Assert.Equal(SendDecision.Send, Decide(kind, Facts()));
        Assert.Equal(SendDecision.Send, Decide(kind, Facts(suppression: SuppressionScopes.Marketing)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_number_suppressed_for_everything_erased_or_unable_to_take_SMS_gets_nothing(string kind)
    {
        Assert.Equal(SendReasons.Suppressed, Decide(kind, Facts(suppression: SuppressionScopes.All)).Reason);
        Assert.Equal(SendReasons.Erased, Decide(kind, Facts(status: ContactStatus.Erased)).Reason);
        Assert.Equal(SendReasons.InvalidPhone, Decide(kind, Facts(phoneType: PhoneTypes.FixedLine)).Reason);
        Assert.Equal(SendReasons.InvalidPhone, Decide(kind, Facts(status: ContactStatus.Unreachable)).Reason);
    }

    [Fact]
    public void Only_answers_are_answers_and_other_kinds_still_need_consent()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SendIntent.Answer(SmsKinds.Campaign));
        var automation = new SendIntent("transactional", SmsCategories.Transactional, SmsKinds.Automation, Urgent: true);
        Assert.Equal(SendReasons.NoConsent, SendPolicy.Decide(automation, Facts(), SendingSettings.Defaults(Guid.NewGuid()), _night).Reason);
        // A marketing text can never pass as an answer.
        Assert.False((SendIntent.Answer(SmsKinds.ConsentCode) with { Category = SmsCategories.Promotional }).AnswersRecipient);
    }
}
