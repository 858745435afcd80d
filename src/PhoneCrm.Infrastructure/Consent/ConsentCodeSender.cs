using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Messaging;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// Sends the consent code through the Messaging layer: decided by the send policy as an answer to the visitor's own
/// request (<see cref="SmsAnswers"/>: transactional, urgent), queued in the shared outbox (kind <c>consent_code</c>,
/// idempotency key per challenge, so a retry never sends twice) and delivered at once.
/// </summary>
public sealed class OutboxConsentCodeSender(SmsAnswers answers, SmsDelivery delivery) : IConsentCodeSender
{
    public async Task<Guid?> SendAsync(Guid? contactId, string e164, string text, string idempotencyKey, CancellationToken ct)
    {
        var message = await answers.QueueAsync(contactId, e164, text, SmsKinds.ConsentCode, idempotencyKey, ct);
        if (message is { } id) await delivery.DeliverAsync([id], ct);
        return message;
    }
}
