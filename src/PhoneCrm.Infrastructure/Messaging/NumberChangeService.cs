using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>What the flow made of one inbound reply.</summary>
/// <param name="Consumed">The reply belonged to the flow (it is stored as kind <c>number_change</c>).</param>
/// <param name="NeedsPerson">The reply waits in the inbox for a person (conflict, expired, too many wrong codes).</param>
/// <param name="ContactId">The contact the reply concerns (a reply from the new number has no contact of its own yet).</param>
public sealed record NumberChangeOutcome(bool Consumed, bool NeedsPerson, Guid? ContactId, IReadOnlyList<Guid> QueuedMessageIds)
{
    public static readonly NumberChangeOutcome NotMine = new(false, false, null, []);
}

/// <summary>A number-change request decrypted for the inbox.</summary>
public sealed record NumberChangeItem(Guid Id, Guid ContactId, string? NewPhone, string Status, string? Reason, int CodeAttempts,
    DateTimeOffset CreatedAt, DateTimeOffset? NumberReceivedAt, DateTimeOffset? CodeSentAt, DateTimeOffset ExpiresAt, DateTimeOffset? ClosedAt);

/// <summary>
/// The «НОВЫЙ» flow (PRODUCT §2.4), driven by <see cref="InboundSmsService"/> inside its transaction:
/// <list type="number">
/// <item>«НОВЫЙ» from a contact's number opens a request (one open per contact) and asks once for the new number.</item>
/// <item>The next reply from that number containing a valid Russian mobile number sends a 6-digit code to the NEW number.</item>
/// <item>The code from the new number changes the contact's phone (cipher + blind index), audited; a number that belongs to
/// another contact is refused and the reply left in the inbox for a person with the reason.</item>
/// </list>
/// Every SMS it sends is decided by the send policy as an answer (a number suppressed for everything gets none) and has an
/// idempotency key derived from the request, so a retried webhook or job never sends twice.
/// <para>Consent: ledger records belong to the contact, not to the number, so they stay as they are. A number is not given
/// the contact's SMS consents until it has confirmed: the code reply from the new number is that confirmation (the person
/// holding the new number proves it and, having asked from the old one, that they are the same person). Before it, nothing
/// is sent to the new number but the code. The change is in the audit log; suppressions stay with the old number.</para>
/// </summary>
public sealed partial class NumberChangeService(PhoneCrmDbContext db, PiiProtector protector, BlindIndex index, SmsAnswers answers,
    ContactService contacts, AuditLog audit, TimeProvider clock)
{
    public static readonly TimeSpan NumberWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(30);
    public const int MaxCodeAttempts = 3;

    /// <summary>«НОВЫЙ» from the contact's own number.</summary>
    public async Task<NumberChangeOutcome> StartAsync(Contact contact, string e164, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var open = await OpenRequestAsync(contact.Id, now, ct);
        if (open is not null) return new NumberChangeOutcome(true, false, contact.Id, []); // already asked: no second question

        var request = new NumberChangeRequest
        {
            ContactId = contact.Id, OldPhoneIndex = contact.PhoneIndex, CreatedAt = now, ExpiresAt = now + NumberWindow,
        };
        db.NumberChangeRequests.Add(request);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation,
            ConstraintName: "ux_sms_number_changes_open" })
        {
            // Another «НОВЫЙ» from this contact opened one a moment ago (EF rolled back to its savepoint): that one asks.
            db.Entry(request).State = EntityState.Detached;
            return new NumberChangeOutcome(true, false, contact.Id, []);
        }

        var ask = await SendAsync(contact.Id, e164, $"{await TenantNameAsync(ct)}: пришлите ответным SMS ваш новый номер телефона, "
            + "например +79161234567. Мы отправим на него код подтверждения.", $"number-change:{request.Id}:ask", ct);
        return new NumberChangeOutcome(true, false, contact.Id, ask);
    }

    /// <summary>A reply that is neither STOP nor «НОВЫЙ»: the new number (from the old one) or the code (from the new one).</summary>
    public async Task<NumberChangeOutcome> HandleReplyAsync(string e164, byte[] phoneIndex, Contact? contact, string text, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (CodeOf(text) is { } code)
        {
            var pending = await db.NumberChangeRequests
                .Where(r => r.Status == NumberChangeStatus.AwaitingCode && r.NewPhoneIndex == phoneIndex)
                .OrderByDescending(r => r.CodeSentAt).FirstOrDefaultAsync(ct);
            if (pending is not null) return await ConfirmAsync(pending, e164, code, now, ct);
        }

        if (contact is null) return NumberChangeOutcome.NotMine;
        var request = await OpenRequestAsync(contact.Id, now, ct);
        if (request is not { Status: NumberChangeStatus.AwaitingNumber }) return NumberChangeOutcome.NotMine;
        if (NewNumberOf(text, e164) is not { } phone) return NumberChangeOutcome.NotMine; // an ordinary reply: the inbox
        return await CodeToNewNumberAsync(request, contact, phone, now, ct);
    }

    private async Task<NumberChangeOutcome> CodeToNewNumberAsync(NumberChangeRequest request, Contact contact, NormalizedPhone phone,
        DateTimeOffset now, CancellationToken ct)
    {
        var newIndex = (await index.ForTenantAsync(db, ct)).Phone(phone.E164);
        request.NumberReceivedAt = now;
        request.NewPhoneCipher = protector.Encrypt(phone.E164, db.Tenant.RequireTenant(), SmsPii.NumberChangePhone);
        request.NewPhoneIndex = newIndex;
        // Never send a code to another customer's number: a person decides.
        if (await db.Contacts.AnyAsync(c => c.PhoneIndex == newIndex && c.Id != contact.Id, ct))
        {
            Close(request, NumberChangeStatus.NeedsReview, NumberChangeReasons.PhoneTaken, now);
            await db.SaveChangesAsync(ct);
            return new NumberChangeOutcome(true, true, contact.Id, []);
        }

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        request.CodeHash = CodeHash(request.Id, code);
        request.CodeAttempts = 0;
        request.CodeSentAt = now;
        request.ExpiresAt = now + CodeLifetime;
        request.Status = NumberChangeStatus.AwaitingCode;
        await db.SaveChangesAsync(ct);
        var sent = await SendAsync(contact.Id, phone.E164, $"{await TenantNameAsync(ct)}: код для смены номера {code}. "
            + "Ответьте на это SMS этим кодом, чтобы подтвердить новый номер.", $"number-change:{request.Id}:code", ct);
        return new NumberChangeOutcome(true, false, contact.Id, sent);
    }

    private async Task<NumberChangeOutcome> ConfirmAsync(NumberChangeRequest request, string e164, string code, DateTimeOffset now,
        CancellationToken ct)
    {
        var tenant = await TenantNameAsync(ct);
        if (now > request.ExpiresAt)
        {
            Close(request, NumberChangeStatus.Expired, NumberChangeReasons.CodeExpired, now);
            await db.SaveChangesAsync(ct);
            var expired = await SendAsync(request.ContactId, e164, $"{tenant}: срок действия кода истёк. Чтобы сменить номер, "
                + "отправьте НОВЫЙ со старого номера ещё раз.", $"number-change:{request.Id}:expired", ct);
            return new NumberChangeOutcome(true, true, request.ContactId, expired);
        }

        if (!CryptographicOperations.FixedTimeEquals(CodeHash(request.Id, code), request.CodeHash))
        {
            request.CodeAttempts++;
            if (request.CodeAttempts >= MaxCodeAttempts) Close(request, NumberChangeStatus.Failed, NumberChangeReasons.TooManyAttempts, now);
            await db.SaveChangesAsync(ct);
            var left = MaxCodeAttempts - request.CodeAttempts;
            var wrong = await SendAsync(request.ContactId, e164, left > 0
                    ? $"{tenant}: неверный код. Осталось попыток: {left}."
                    : $"{tenant}: неверный код, попытки закончились. Номер не изменён.",
                $"number-change:{request.Id}:wrong:{request.CodeAttempts}", ct);
            return new NumberChangeOutcome(true, left == 0, request.ContactId, wrong);
        }

        var contact = await db.Contacts.SingleOrDefaultAsync(c => c.Id == request.ContactId, ct);
        var newIndex = request.NewPhoneIndex!;
        if (contact is null || contact.Status == ContactStatus.Erased
            || await db.Contacts.AnyAsync(c => c.PhoneIndex == newIndex && c.Id != request.ContactId, ct))
        {
            Close(request, NumberChangeStatus.NeedsReview, NumberChangeReasons.PhoneTaken, now);
            await db.SaveChangesAsync(ct);
            return new NumberChangeOutcome(true, true, request.ContactId, []);
        }

        var phone = PhoneParser.Parse(e164, await contacts.DefaultRegionAsync(ct)).Phone!;
        await contacts.AssignPhoneAsync(contact, phone, ct);
        contact.UpdatedAt = now;
        Close(request, NumberChangeStatus.Completed, null, now);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.Update, "contact", contact.Id.ToString(),
            $"phone changed by SMS: «НОВЫЙ» from the old number, code confirmed from the new one; request={request.Id}; "
            + "consents stay with the contact (the new number confirmed); suppressions stay with the old number", ct);
        var done = await SendAsync(contact.Id, phone.E164, $"{tenant}: номер изменён, теперь пишем вам на этот номер.",
            $"number-change:{request.Id}:done", ct);
        return new NumberChangeOutcome(true, false, contact.Id, done);
    }

    /// <summary>The contact's open request; one whose step timed out is closed as expired first.</summary>
    private async Task<NumberChangeRequest?> OpenRequestAsync(Guid contactId, DateTimeOffset now, CancellationToken ct)
    {
        var open = await db.NumberChangeRequests.SingleOrDefaultAsync(r => r.ContactId == contactId
            && (r.Status == NumberChangeStatus.AwaitingNumber || r.Status == NumberChangeStatus.AwaitingCode), ct);
        if (open is null || now <= open.ExpiresAt) return open;
        Close(open, NumberChangeStatus.Expired,
            open.Status == NumberChangeStatus.AwaitingNumber ? NumberChangeReasons.NumberTimeout : NumberChangeReasons.CodeExpired, now);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Requests newest first (open ones and recent history), the new number decrypted.</summary>
    public async Task<IReadOnlyList<NumberChangeItem>> ListAsync(int limit, Guid? ownerOnly, CancellationToken ct)
    {
        var q = db.NumberChangeRequests.AsNoTracking();
        if (ownerOnly is { } owner) q = q.Where(r => db.Contacts.Any(c => c.Id == r.ContactId && c.OwnerId == owner));
        var rows = await q.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Take(Math.Clamp(limit, 1, 500)).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return rows.Select(r => new NumberChangeItem(r.Id, r.ContactId, protector.Decrypt(r.NewPhoneCipher, db.Tenant.RequireTenant(), SmsPii.NumberChangePhone),
            r.IsOpen && now > r.ExpiresAt ? NumberChangeStatus.Expired : r.Status, r.Reason, r.CodeAttempts, r.CreatedAt,
            r.NumberReceivedAt, r.CodeSentAt, r.ExpiresAt, r.ClosedAt)).ToList();
    }

    private static void Close(NumberChangeRequest request, string status, string? reason, DateTimeOffset now)
    {
        request.Status = status;
        request.Reason = reason;
        request.ClosedAt = now;
    }

    /// <summary>Through the send policy as an answer (<see cref="SmsAnswers"/>): none to a number it refuses.</summary>
    private async Task<IReadOnlyList<Guid>> SendAsync(Guid contactId, string e164, string text, string key, CancellationToken ct) =>
        await answers.QueueAsync(contactId, e164, text, SmsKinds.NumberChange, key, ct) is { } id ? [id] : [];

    private Task<string> TenantNameAsync(CancellationToken ct) =>
        db.Tenants.AsNoTracking().Where(t => t.Id == db.Tenant.RequireTenant()).Select(t => t.Name).SingleAsync(ct);

    private byte[] CodeHash(Guid requestId, string code) => index.Opaque($"number-change-code:{requestId:N}:{code}");

    /// <summary>A reply that is only a 6-digit code ("123456", "123 456", "Код: 123456.").</summary>
    internal static string? CodeOf(string text)
    {
        var m = CodePattern().Match(text);
        return m.Success ? string.Concat(m.Groups[1].Value.Where(char.IsAsciiDigit)) : null;
    }

    /// <summary>The first valid Russian mobile number in the text, if it differs from the sender's.</summary>
    internal static NormalizedPhone? NewNumberOf(string text, string senderE164)
    {
        foreach (Match m in PhonePattern().Matches(text))
        {
            if (PhoneParser.TryParse(m.Value, out var phone, "RU") && phone.Region == "RU" && phone.IsMobile && phone.E164 != senderE164)
                return phone;
        }

        return null;
    }

    [GeneratedRegex(@"^\s*(?:код|code)?\s*[:\-]?\s*(\d{3}[\s\-]?\d{3})\s*[.!]?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"\+?\d[\d\s\-()]{8,16}\d", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();
}
