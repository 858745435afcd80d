using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Messaging;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// Sends the consent code through the Messaging layer: queued in the shared outbox (kind <c>consent_code</c>, purpose
/// transactional, idempotency key per challenge, so a retry never sends twice) and delivered at once.
/// </summary>
public sealed class OutboxConsentCodeSender(SmsOutbox outbox, SmsDelivery delivery) : IConsentCodeSender
{
    public async Task<Guid> SendAsync(Guid? contactId, string e164, string text, string idempotencyKey, CancellationToken ct)
    {
        var message = await outbox.QueueAsync(new OutgoingSms(contactId, e164, text, ConsentTermsPurpose, SmsCategories.Transactional,
            SmsKinds.ConsentCode, idempotencyKey), ct);
        await delivery.DeliverAsync([message.Id], ct);
        return message.Id;
    }

    private const string ConsentTermsPurpose = PhoneCrm.Domain.Consent.ConsentTerms.Transactional;
}
