namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>One SMS to queue. <paramref name="Phone"/> is E.164 (other formats are parsed as Russian numbers).</summary>
/// <param name="IdempotencyKey">Unique per tenant: queuing the same key again returns the existing message.</param>
/// <param name="SendAfter">Not before this moment (deferred by quiet hours, throttling); null = now.</param>
public sealed record OutgoingSms(Guid? ContactId, string Phone, string Text, string Purpose, string Category,
    string Kind, string IdempotencyKey, Guid? CampaignId = null, DateTimeOffset? SendAfter = null);
