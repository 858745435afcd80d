using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>One line of a contact's SMS history: <paramref name="Outbound"/> false for a reply they sent.</summary>
public sealed record SmsHistoryItem(Guid Id, bool Outbound, DateTimeOffset At, string Text, string Status, string Kind, int Segments,
    string? Error);

/// <summary>A contact's messages both ways, newest first (decrypted: callers audit the read).</summary>
public sealed class SmsHistory(PhoneCrmDbContext db, PiiProtector protector)
{
    public async Task<IReadOnlyList<SmsHistoryItem>> ForContactAsync(Guid contactId, int limit, CancellationToken ct)
    {
        var phoneIndex = await db.Contacts.AsNoTracking().Where(c => c.Id == contactId).Select(c => c.PhoneIndex).SingleOrDefaultAsync(ct);
        var sent = await db.SmsMessages.AsNoTracking().Where(m => m.ContactId == contactId)
            .OrderByDescending(m => m.CreatedAt).Take(limit).ToListAsync(ct);
        var received = await db.InboundSms.AsNoTracking()
            .Where(m => m.ContactId == contactId || (phoneIndex != null && m.FromIndex == phoneIndex))
            .OrderByDescending(m => m.ReceivedAt).Take(limit).ToListAsync(ct);
        return sent.Select(m => new SmsHistoryItem(m.Id, true, m.SentAt ?? m.CreatedAt, protector.Decrypt(m.TextCipher, db.Tenant.RequireTenant(), SmsPii.Text)!, m.Status,
                m.Kind, m.Segments, m.ErrorCode))
            .Concat(received.Select(m => new SmsHistoryItem(m.Id, false, m.ReceivedAt, protector.Decrypt(m.TextCipher, db.Tenant.RequireTenant(), SmsPii.InboundText)!,
                m.HandledAt is null ? "new" : "handled", m.Kind, 0, null)))
            .OrderByDescending(i => i.At).Take(limit).ToList();
    }
}
