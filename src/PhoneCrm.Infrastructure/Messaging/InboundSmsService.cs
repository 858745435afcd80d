using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Messaging;

/// <param name="ProviderMessageId">The provider's id of the inbound message when the payload carries one (dedup key).</param>
public sealed record InboundInput(string? From, string? To, string? Text, DateTimeOffset? ReceivedAt, string? ProviderMessageId = null);

/// <param name="ConfirmationId">The opt-out confirmation queued for this STOP, if one was (never twice per number and day).</param>
/// <param name="Duplicate">A provider's retry of a message already received: <paramref name="Message"/> is the first one, nothing was done again.</param>
public sealed record InboundResult(InboundSms? Message, ValidationErrors Errors, Guid? ConfirmationId = null,
    bool Duplicate = false)
{
    public bool IsValid => Errors.IsValid;
}

/// <summary>What became of a staff reply: queued (<paramref name="MessageId"/>), refused by the send policy (<paramref name="Refusal"/>), or invalid.</summary>
public sealed record ReplyResult(Guid? MessageId, string? Refusal, ValidationErrors Errors);

/// <summary>A staff member's answer to a person's SMS.</summary>
public sealed record ReplyInput(string? Text);

/// <summary>A staff reply: a plain text (no variables, nobody fills them), within one SMS text's limits.</summary>
public sealed class ReplyInputValidator : InputValidator<ReplyInput>
{
    public static ReplyInputValidator Instance { get; } = new();

    private ReplyInputValidator() => Field(x => x.Text, "text").MessageText(_ => false);
}

/// <summary>An inbox row decrypted for a reader.</summary>
public sealed record InboxItem(Guid Id, string From, string? To, string Text, string Kind, Guid? ContactId, DateTimeOffset ReceivedAt,
    DateTimeOffset? HandledAt, string? HandledBy, DateTimeOffset? ComplaintAt = null);

/// <summary>
/// Inbound replies (PRODUCT §2.4): a STOP word suppresses marketing to the number at once (suppressions, keyed by the
/// phone's blind index, so it holds even for unknown senders), withdraws the contact's marketing SMS consent through the
/// ledger (evidence <c>sms_reply</c>) and sends one confirmation; «НОВЫЙ» and its follow-ups drive the number-change flow
/// (<see cref="NumberChangeService"/>); anything else lands in the inbox. Every reply is stored, text encrypted.
/// <para>Webhook retries: the row carries a keyed hash of the provider's message id (or of from/to/text/receivedAt), unique
/// per tenant. The row is inserted first (<c>ON CONFLICT DO NOTHING</c>) in the same transaction as everything the reply
/// causes, so a concurrent identical post waits on the index and then finds it taken, and a crash half-way rolls it all
/// back for the provider's next retry. Delivery jobs are enqueued only after the commit.</para>
/// </summary>
public sealed class InboundSmsService(PhoneCrmDbContext db, PiiProtector protector, BlindIndex index, ConsentLedger ledger,
    ContactService contacts, SmsAnswers answers, NumberChangeService numberChanges, IBackgroundJobClient jobs, TimeProvider clock,
    ILogger<InboundSmsService> logger, ContactEngagement engagement)
{
    public async Task<InboundResult> ReceiveAsync(InboundInput input, CancellationToken ct)
    {
        var errors = InboundInputValidator.Instance.Check(input);
        if (!errors.IsValid) return new InboundResult(null, errors);
        var from = input.From!.Trim();

        var now = clock.GetUtcNow();
        var receivedAt = input.ReceivedAt?.ToUniversalTime() ?? now; // PostgreSQL takes only UTC offsets; providers send local times
        var parsed = PhoneParser.Parse(from, await contacts.DefaultRegionAsync(ct));
        var e164 = parsed.IsSuccess ? parsed.Phone.E164 : null;
        var phoneIndex = e164 is null ? null : (await index.ForTenantAsync(db, ct)).Phone(e164);
        var to = input.To?.Trim();
        var contact = phoneIndex is null ? null : await db.Contacts.AsNoTracking().SingleOrDefaultAsync(c => c.PhoneIndex == phoneIndex, ct);
        var kind = StopWords.IsStop(input.Text) ? InboundKinds.Stop
            : StopWords.IsNewNumber(input.Text) ? InboundKinds.NumberChange
            : InboundKinds.Reply;

        var message = new InboundSms
        {
            FromCipher = protector.Encrypt(e164 ?? from, db.Tenant.RequireTenant(), SmsPii.InboundFrom)!,
            FromIndex = phoneIndex,
            To = to,
            TextCipher = protector.Encrypt(input.Text, db.Tenant.RequireTenant(), SmsPii.InboundText)!,
            ContactId = contact?.Id,
            Kind = kind,
            ReceivedAt = receivedAt,
            CreatedAt = now,
            // A STOP is fully handled by the system; the rest wait for a person (unless the number-change flow takes them).
            HandledAt = kind == InboundKinds.Stop && e164 is not null ? now : null,
            HandledBy = kind == InboundKinds.Stop && e164 is not null ? "system" : null,
            DedupKey = DedupKey(input.ProviderMessageId, e164 ?? from!, to, input.Text!, input.ReceivedAt),
        };

        var queued = new List<Guid>();
        Guid? confirmation = null;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await ClaimAsync(message, ct))
            {
                await tx.RollbackAsync(ct);
                var first = await db.InboundSms.AsNoTracking().SingleAsync(m => m.DedupKey == message.DedupKey, ct);
                logger.LogInformation("Inbound SMS {Id} received again (provider retry): not processed twice", first.Id);
                return new InboundResult(first, errors, Duplicate: true);
            }

            if (kind == InboundKinds.Stop && e164 is not null)
            {
                confirmation = await OptOutAsync(e164, phoneIndex!, contact, receivedAt, now, ct);
                if (confirmation is { } c) queued.Add(c);
            }
            else if (e164 is not null)
            {
                var outcome = kind == InboundKinds.NumberChange
                    ? contact is null ? NumberChangeOutcome.NotMine : await numberChanges.StartAsync(contact, e164, ct)
                    : await numberChanges.HandleReplyAsync(e164, phoneIndex!, contact, input.Text!, ct);
                if (outcome.Consumed)
                {
                    queued.AddRange(outcome.QueuedMessageIds);
                    message.Kind = InboundKinds.NumberChange;
                    message.ContactId = outcome.ContactId ?? message.ContactId;
                    message.HandledAt = outcome.NeedsPerson ? null : now;
                    message.HandledBy = outcome.NeedsPerson ? null : "system";
                    await db.InboundSms.Where(m => m.Id == message.Id).ExecuteUpdateAsync(u => u
                        .SetProperty(m => m.Kind, message.Kind).SetProperty(m => m.ContactId, message.ContactId)
                        .SetProperty(m => m.HandledAt, message.HandledAt).SetProperty(m => m.HandledBy, message.HandledBy), ct);
                }
            }

            await tx.CommitAsync(ct);
        }

        // A reply other than a STOP word is the person's engagement (api-v1 "Engagement").
        if (message.Kind == InboundKinds.Reply && message.ContactId is { } repliedId) await engagement.EngagedAsync(repliedId, message.ReceivedAt, ct);
        if (queued.Count > 0) SmsDeliveryJobs.Enqueue(jobs, db.Tenant.RequireTenant(), queued);
        return new InboundResult(message, errors, confirmation);
    }

    /// <summary>Inserts the row unless its dedup key is taken (then false: a retry of a message already received).</summary>
    private async Task<bool> ClaimAsync(InboundSms m, CancellationToken ct) =>
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO sms_inbound (tenant_id, id, from_cipher, from_index, "to", text_cipher, contact_id, kind, received_at,
                created_at, handled_at, handled_by, dedup_key)
            VALUES ({db.Tenant.RequireTenant()}, {m.Id}, {m.FromCipher}, {m.FromIndex}, {m.To}, {m.TextCipher}, {m.ContactId},
                {m.Kind}, {m.ReceivedAt}, {m.CreatedAt}, {m.HandledAt}, {m.HandledBy}, {m.DedupKey})
            ON CONFLICT (tenant_id, dedup_key) DO NOTHING
            """, ct) == 1;

    /// <summary>
    /// The provider's message id when given; otherwise sender E.164, our number, the text (NFC) and
    /// the receive time to the microsecond. Without either an id or a receive time there is nothing to tell a retry from a
    /// second message, so no key. Keyed (HMAC) because phone and text are personal data.
    /// </summary>
    private byte[]? DedupKey(string? providerMessageId, string sender, string? to, string text, DateTimeOffset? receivedAt)
    {
        if (!string.IsNullOrWhiteSpace(providerMessageId)) return index.Opaque($"inbound-id\n{providerMessageId.Trim()}");
        if (receivedAt is not { } at) return null;
        var micros = at.UtcTicks / 10;
        return index.Opaque($"inbound\n{sender}\n{to}\n{text.Normalize(System.Text.NormalizationForm.FormC)}\n{micros}");
    }

    private async Task<Guid?> OptOutAsync(string e164, byte[] phoneIndex, Contact? contact, DateTimeOffset receivedAt, DateTimeOffset now,
        CancellationToken ct)
    {
        // Suppress first: it is what every send checks, and it holds for numbers we have no contact for.
        var newlySuppressed = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO suppressions (tenant_id, phone_index, scope, reason, created_at)
            VALUES ({db.Tenant.RequireTenant()}, {phoneIndex}, {SuppressionScopes.Marketing}, 'stop_reply', {now})
            ON CONFLICT (tenant_id, phone_index) DO NOTHING
            """, ct) == 1;

        if (contact is not null)
        {
            var evidence = new ConsentEvidence("sms_reply", receivedAt <= now ? receivedAt : null);
            var withdrawn = await ledger.WithdrawAsync(contact.Id, ConsentTerms.Marketing, "sms", evidence, ct);
            if (!withdrawn.IsValid)
            {
                // An odd provider timestamp must not keep the consent alive: withdraw as of now.
                withdrawn = await ledger.WithdrawAsync(contact.Id, ConsentTerms.Marketing, "sms", new ConsentEvidence("sms_reply"), ct);
            }

            if (!withdrawn.IsValid) logger.LogWarning("STOP reply: consent withdrawal refused: {Errors}", string.Join("; ", withdrawn.Errors.ByField.Keys));
        }

        if (!newlySuppressed) return null;

        // One confirmation per number and day, whatever the provider resends; the key makes a repeat a no-op.
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == db.Tenant.RequireTenant()).Select(t => t.Name).SingleAsync(ct);
        var key = $"stop-confirm:{Convert.ToHexString(phoneIndex)}:{now:yyyyMMdd}";
        return await answers.QueueAsync(contact?.Id, e164, $"{tenant}: вы отписались от рекламных SMS. Больше не пришлём.",
            SmsKinds.OptOutConfirmation, key, ct);
    }

    /// <param name="ownerOnly">Only replies from contacts this user owns (a SalesManager's inbox); unknown senders are nobody's.</param>
    public async Task<IReadOnlyList<InboxItem>> ListAsync(string? kind, bool includeHandled, int limit, Guid? ownerOnly, CancellationToken ct)
    {
        var q = Owned(db.InboundSms.AsNoTracking(), ownerOnly);
        if (!string.IsNullOrEmpty(kind)) q = q.Where(m => m.Kind == kind);
        if (!includeHandled) q = q.Where(m => m.HandledAt == null);
        var rows = await q.OrderByDescending(m => m.ReceivedAt).ThenByDescending(m => m.Id).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(ct);
        return rows.Select(View).ToList();
    }

    public InboxItem View(InboundSms m) => new(m.Id, protector.Decrypt(m.FromCipher, db.Tenant.RequireTenant(), SmsPii.InboundFrom)!, m.To,
        protector.Decrypt(m.TextCipher, db.Tenant.RequireTenant(), SmsPii.InboundText)!, m.Kind, m.ContactId, m.ReceivedAt, m.HandledAt, m.HandledBy, m.ComplaintAt);

    /// <summary>
    /// A staff member answers the person who wrote: a transactional SMS through the send policy (a number that is
    /// erased, suppressed for everything or cannot take SMS gets none), idempotent per message and text so a double
    /// click sends once; the reply marks the message handled. Null when the message is not this tenant's.
    /// </summary>
    public async Task<ReplyResult?> ReplyAsync(Guid id, string? text, string by, Guid? ownerOnly, CancellationToken ct)
    {
        var message = await Owned(db.InboundSms.AsNoTracking(), ownerOnly).SingleOrDefaultAsync(m => m.Id == id, ct);
        if (message is null) return null;
        var errors = ReplyInputValidator.Instance.Check(new ReplyInput(text));
        if (!errors.IsValid) return new ReplyResult(null, null, errors);
        var from = protector.Decrypt(message.FromCipher, db.Tenant.RequireTenant(), SmsPii.InboundFrom)!;
        if (!PhoneParser.TryParse(from, out var phone)) return new ReplyResult(null, SendReasons.InvalidPhone, errors);

        var key = $"inbox-reply:{id}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text!.Trim())))[..16]}";
        var (queued, refusal) = await answers.TryQueueAsync(message.ContactId, phone.E164, text.Trim(), SmsKinds.Reply, key, ct);
        if (queued is null) return new ReplyResult(null, refusal, errors);
        await MarkHandledAsync(id, by, ownerOnly, ct);
        return new ReplyResult(queued, null, errors);
    }

    public async Task<bool> MarkHandledAsync(Guid id, string by, Guid? ownerOnly, CancellationToken ct) =>
        await Owned(db.InboundSms, ownerOnly).Where(m => m.Id == id && m.HandledAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.HandledAt, clock.GetUtcNow()).SetProperty(m => m.HandledBy, by), ct) == 1
        || await Owned(db.InboundSms, ownerOnly).AnyAsync(m => m.Id == id, ct);

    /// <summary>
    /// A staff member marks the reply as a complaint (api-v1 "Analytics": counted against the marketing message it
    /// answers); marking twice keeps the first time. False when the message is not this tenant's, or, with
    /// <paramref name="ownerOnly"/>, not from that user's own contact (the inbox of a SalesManager).
    /// </summary>
    public async Task<bool> MarkComplaintAsync(Guid id, Guid? ownerOnly, CancellationToken ct) =>
        await Owned(db.InboundSms, ownerOnly).Where(m => m.Id == id && m.ComplaintAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ComplaintAt, clock.GetUtcNow()), ct) == 1
        || await Owned(db.InboundSms, ownerOnly).AnyAsync(m => m.Id == id, ct);

    private IQueryable<InboundSms> Owned(IQueryable<InboundSms> q, Guid? ownerOnly) => ownerOnly is { } owner
        ? q.Where(m => db.Contacts.Any(c => c.Id == m.ContactId && c.OwnerId == owner))
        : q;
}
