using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Hosting;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

public sealed record TestSendResult(string Phone, string Outcome, string? Reason, Guid? MessageId);

/// <summary>Test sends of a campaign to 1–5 team numbers: through the send policy (kind test), sample values for the variables.</summary>
public sealed class CampaignTestSender(SendPolicyService policy, SmsOutbox outbox, SmsDelivery delivery, ShortLinks shortLinks)
{
    public const int MaxPhones = 5;

    public async Task<(IReadOnlyList<TestSendResult> Results, ValidationErrors Errors)> SendAsync(
        Campaign campaign, IReadOnlyList<string> phones, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (phones.Count is 0 or > MaxPhones) errors.Add("phones", $"From 1 to {MaxPhones} team numbers.");
        var parsed = new List<NormalizedPhone>();
        foreach (var p in phones)
        {
            if (PhoneParser.TryParse(p, out var n)) parsed.Add(n);
            else if (!errors.Has("phones")) errors.Add("phones", $"Not a phone number: {p}");
        }

        if (!errors.IsValid) return ([], errors);
        var results = new List<TestSendResult>();
        var ids = new List<Guid>();
        var intent = new SendIntent(campaign.Purpose, campaign.Category, SmsKinds.Test);
        foreach (var phone in parsed.DistinctBy(p => p.E164))
        {
            var decision = await policy.DecideNumberAsync(intent, phone.E164, ct);
            if (decision.Outcome != SendOutcome.Send)
            {
                PhoneCrmMetrics.Skipped(SmsKinds.Test, decision.Reason);
                results.Add(new TestSendResult(phone.E164, RecipientOutcome.Skipped, decision.Reason, null));
                continue;
            }

            foreach (var (variant, template) in Variants(campaign))
            {
                var text = SmsTemplate.Render(template, new Dictionary<string, string?>
                {
                    ["firstName"] = "Иван", ["lastName"] = "Петров", [ShortLinks.UnsubscribeVariable.Key] = ShortLinks.UnsubscribeVariable.Value,
                },
                    CampaignDispatcher.Fallbacks);
                text = shortLinks.Shorten(text, _ => "test");
                var message = await outbox.QueueAsync(new OutgoingSms(null, phone.E164, text, campaign.Purpose, campaign.Category, SmsKinds.Test,
                    $"test:{campaign.Id}:{variant}:{Guid.NewGuid():N}", campaign.Id), ct);
                ids.Add(message.Id);
                results.Add(new TestSendResult(phone.E164, RecipientOutcome.Sent, null, message.Id));
            }
        }

        if (ids.Count > 0) await delivery.DeliverAsync(ids, ct);
        return (results, errors);
    }

    private static IEnumerable<(string Variant, string Text)> Variants(Campaign c)
    {
        yield return (CampaignVariants.A, c.Text);
        if (c.VariantB is not null) yield return (CampaignVariants.B, c.VariantB);
    }
}
