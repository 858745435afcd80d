using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Messaging;

public sealed record InboundInput(string? From, string? To, string? Text, DateTimeOffset? ReceivedAt);

/// <param name="ConfirmationId">The opt-out confirmation queued for this STOP, if one was (never twice per number and day).</param>
public sealed record InboundResult(InboundSms? Message, IReadOnlyDictionary<string, string[]> Errors, Guid? ConfirmationId = null)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>An inbox row decrypted for a reader.</summary>
public sealed record InboxItem(Guid Id, string From, string? To, string Text, string Kind, Guid? ContactId, DateTimeOffset ReceivedAt,
    DateTimeOffset? HandledAt, string? HandledBy);

/// <summary>
/// Inbound replies (PRODUCT §2.4): a STOP word suppresses marketing to the number at once (suppressions, keyed by the
/// phone's blind index, so it holds even for unknown senders), withdraws the contact's marketing SMS consent through the
/// ledger (evidence <c>sms_reply</c>) and sends one confirmation; «НОВЫЙ» records a number-change request; anything else
/// lands in the inbox. Every reply is stored, text encrypted.
/// </summary>
public sealed class InboundSmsService(PhoneCrmDbContext db, PiiProtector protector, BlindIndex index, ConsentLedger ledger,
    ContactService contacts, SmsOutbox outbox, IBackgroundJobClient jobs, TimeProvider clock, ILogger<InboundSmsService> logger)
{
    public const int MaxTextLength = 2000;

    public async Task<InboundResult> ReceiveAsync(InboundInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var from = input.From?.Trim();
        if (string.IsNullOrEmpty(from)) errors["from"] = ["from is required."];
        else if (from.Length > PhoneParser.MaxInputLength) errors["from"] = ["from is too long."];
        if (input.Text is null) errors["text"] = ["text is required."];
        else if (input.Text.Length > MaxTextLength) errors["text"] = [$"text is too long ({MaxTextLength} characters at most)."];
        if (input.To is { Length: > 64 }) errors["to"] = ["to is too long."];
        if (errors.Count > 0) return new InboundResult(null, errors);

        var now = clock.GetUtcNow();
        var receivedAt = input.ReceivedAt ?? now;
        var parsed = PhoneParser.Parse(from, await contacts.DefaultRegionAsync(ct));
        var e164 = parsed.IsSuccess ? parsed.Phone.E164 : null;
        var phoneIndex = e164 is null ? null : index.Phone(e164);
        var contact = phoneIndex is null ? null : await db.Contacts.AsNoTracking().SingleOrDefaultAsync(c => c.PhoneIndex == phoneIndex, ct);
        var kind = StopWords.IsStop(input.Text) ? InboundKinds.Stop
            : StopWords.IsNewNumber(input.Text) ? InboundKinds.NumberChange
            : InboundKinds.Reply;

        var message = new InboundSms
        {
            FromCipher = protector.Encrypt(e164 ?? from, SmsPii.InboundFrom)!,
            FromIndex = phoneIndex,
            To = input.To?.Trim(),
            TextCipher = protector.Encrypt(input.Text, SmsPii.InboundText)!,
            ContactId = contact?.Id,
            Kind = kind,
            ReceivedAt = receivedAt,
            CreatedAt = now,
            // A STOP is fully handled by the system; the rest wait for a person.
            HandledAt = kind == InboundKinds.Stop && e164 is not null ? now : null,
            HandledBy = kind == InboundKinds.Stop && e164 is not null ? "system" : null,
        };
        db.InboundSms.Add(message);
        await db.SaveChangesAsync(ct);

        Guid? confirmation = null;
        if (kind == InboundKinds.Stop && e164 is not null)
        {
            confirmation = await OptOutAsync(e164, phoneIndex!, contact, receivedAt, now, ct);
        }

        return new InboundResult(message, errors, confirmation);
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

            if (!withdrawn.IsValid) logger.LogWarning("STOP reply: consent withdrawal refused: {Errors}", string.Join("; ", withdrawn.Errors.Keys));
        }

        if (!newlySuppressed) return null;

        // One confirmation per number and day, whatever the provider resends; the key makes a repeat a no-op.
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == db.Tenant.RequireTenant()).Select(t => t.Name).SingleAsync(ct);
        var key = $"stop-confirm:{Convert.ToHexString(phoneIndex)}:{now:yyyyMMdd}";
        var sms = await outbox.QueueAsync(new OutgoingSms(contact?.Id, e164,
            $"{tenant}: вы отписались от рекламных SMS. Больше не пришлём.", "transactional", SmsCategories.Transactional,
            SmsKinds.OptOutConfirmation, key), ct);
        SmsDeliveryJobs.Enqueue(jobs, sms.TenantId, [sms.Id]);
        return sms.Id;
    }

    public async Task<IReadOnlyList<InboxItem>> ListAsync(string? kind, bool includeHandled, int limit, CancellationToken ct)
    {
        var q = db.InboundSms.AsNoTracking();
        if (!string.IsNullOrEmpty(kind)) q = q.Where(m => m.Kind == kind);
        if (!includeHandled) q = q.Where(m => m.HandledAt == null);
        var rows = await q.OrderByDescending(m => m.ReceivedAt).ThenByDescending(m => m.Id).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(ct);
        return rows.Select(View).ToList();
    }

    public InboxItem View(InboundSms m) => new(m.Id, protector.Decrypt(m.FromCipher, SmsPii.InboundFrom)!, m.To,
        protector.Decrypt(m.TextCipher, SmsPii.InboundText)!, m.Kind, m.ContactId, m.ReceivedAt, m.HandledAt, m.HandledBy);

    public async Task<bool> MarkHandledAsync(Guid id, string by, CancellationToken ct) =>
        await db.InboundSms.Where(m => m.Id == id && m.HandledAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.HandledAt, clock.GetUtcNow()).SetProperty(m => m.HandledBy, by), ct) == 1
        || await db.InboundSms.AnyAsync(m => m.Id == id, ct);
}
