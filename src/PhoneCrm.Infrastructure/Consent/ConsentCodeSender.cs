using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// Queues the consent code in the shared outbox (<c>sms_messages</c>, kind <c>consent_code</c>, purpose transactional,
/// idempotency key per challenge). Interim writer until the Messaging layer's SmsOutbox/SmsDelivery land: then this
/// class becomes QueueAsync + DeliverAsync and nothing else changes.
/// </summary>
public sealed class OutboxConsentCodeSender(PhoneCrmDbContext db, PiiProtector protector, BlindIndex index, TimeProvider clock) : IConsentCodeSender
{
    public async Task<Guid> SendAsync(Guid? contactId, string e164, string text, string idempotencyKey, CancellationToken ct)
    {
        var message = new SmsMessage
        {
            ContactId = contactId, Kind = SmsKinds.ConsentCode, Purpose = "transactional", Category = SmsCategories.Transactional,
            PhoneCipher = protector.Encrypt(e164, "sms.phone")!, PhoneIndex = index.Phone(e164), TextCipher = protector.Encrypt(text, "sms.text")!,
            IdempotencyKey = idempotencyKey, CreatedAt = clock.GetUtcNow(),
        };
        db.SmsMessages.Add(message);
        await db.SaveChangesAsync(ct);
        return message.Id;
    }
}
