using Microsoft.Extensions.Logging;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Hosting;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>
/// Queues the answers to a person's own action — consent codes, number-change messages, STOP confirmations — through the
/// one send policy (<see cref="SendIntent.Answer"/>: transactional, urgent), so a number suppressed for everything, erased
/// or unable to take SMS gets none. Idempotent by key like every outbox message.
/// </summary>
public sealed class SmsAnswers(SendPolicyService policy, SmsOutbox outbox, ILogger<SmsAnswers> logger)
{
    /// <returns>The queued message, or null when the policy refused it.</returns>
    public async Task<Guid?> QueueAsync(Guid? contactId, string e164, string text, string kind, string idempotencyKey, CancellationToken ct) =>
        (await TryQueueAsync(contactId, e164, text, kind, idempotencyKey, ct)).MessageId;

    /// <returns>The queued message, or the policy's reason for refusing it (for a person who must be told why).</returns>
    public async Task<(Guid? MessageId, string? Refusal)> TryQueueAsync(Guid? contactId, string e164, string text, string kind, string idempotencyKey,
        CancellationToken ct)
    {
        var intent = SendIntent.Answer(kind);
        var decision = await policy.DecideNumberAsync(intent, e164, ct);
        if (decision.Outcome == SendOutcome.Skip)
        {
            logger.LogInformation("{Kind} {Key} not sent: {Reason}", kind, idempotencyKey, decision.Reason);
            PhoneCrmMetrics.Skipped(kind, decision.Reason);
            return (null, decision.Reason);
        }

        var message = await outbox.QueueAsync(new OutgoingSms(contactId, e164, text, intent.Purpose, intent.Category, kind, idempotencyKey,
            SendAfter: decision.DeferredUntil), ct);
        return (message.Id, null);
    }
}
