using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Messaging.Simulator;

/// <summary>One message the simulator accepted, with our message's status (api-v1 <c>/sms/outbox</c>).</summary>
public sealed record SimulatorOutboxItem(Guid MessageId, string ProviderMessageId, string Phone, string Text, int Segments,
    DateTimeOffset SentAt, string Status, Guid? CampaignId, string? Kind);

public sealed record SimulatorOutboxPage(IReadOnlyList<SimulatorOutboxItem> Items, string? NextCursor);

/// <summary>Reads what the simulator accepted for the current tenant (decrypted; callers audit the read).</summary>
public sealed class SimulatorOutbox(PhoneCrmDbContext db, PiiProtector protector, BlindIndex index)
{
    /// <summary>The newest messages first, for the simulator page.</summary>
    public async Task<IReadOnlyList<SimulatorOutboxItem>> ListLatestAsync(int limit, CancellationToken ct)
    {
        var rows = await (
            from s in db.SimulatorMessages.AsNoTracking()
            join m in db.SmsMessages.AsNoTracking() on s.MessageId equals m.Id into joined
            from m in joined.DefaultIfEmpty()
            orderby s.ProviderMessageId descending
            select new { s, Status = m == null ? null : m.Status, CampaignId = m == null ? null : m.CampaignId, Kind = m == null ? null : m.Kind, SentAt = m == null ? null : m.SentAt })
            .Take(Math.Clamp(limit, 1, 1000)).ToListAsync(ct);
        return rows.Select(x => new SimulatorOutboxItem(x.s.MessageId, x.s.ProviderMessageId,
            protector.Decrypt(x.s.PhoneCipher, db.Tenant.RequireTenant(), SmsPii.SimulatorPhone)!, protector.Decrypt(x.s.TextCipher, db.Tenant.RequireTenant(), SmsPii.SimulatorText)!,
            x.s.Segments, x.SentAt ?? x.s.AcceptedAt, x.Status ?? SmsStatus.Sent, x.CampaignId, x.Kind)).ToList();
    }

    /// <param name="phone">Any format; a value that is not a phone number matches nothing.</param>
    /// <param name="after">Cursor: the last provider message id of the previous page (ids grow with time).</param>
    public async Task<SimulatorOutboxPage> ListAsync(Guid? campaignId, string? phone, string? after, int limit, CancellationToken ct)
    {
        limit = Math.Clamp(limit, 1, 10_000);
        var sims = db.SimulatorMessages.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(phone))
        {
            var parsed = PhoneParser.Parse(phone);
            if (!parsed.IsSuccess) return new SimulatorOutboxPage([], null);
            var key = (await index.ForTenantAsync(db, ct)).Phone(parsed.Phone.E164);
            sims = sims.Where(s => s.PhoneIndex == key);
        }

        if (!string.IsNullOrEmpty(after)) sims = sims.Where(s => string.Compare(s.ProviderMessageId, after) > 0);
        var query =
            from s in sims
            join m in db.SmsMessages.AsNoTracking() on s.MessageId equals m.Id into joined
            from m in joined.DefaultIfEmpty()
            select new { s, Status = m == null ? null : m.Status, CampaignId = m == null ? null : m.CampaignId, Kind = m == null ? null : m.Kind, SentAt = m == null ? null : m.SentAt };
        if (campaignId is { } c) query = query.Where(x => x.CampaignId == c);
        var rows = await query.OrderBy(x => x.s.ProviderMessageId).Take(limit + 1).ToListAsync(ct);
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = rows[^1].s.ProviderMessageId;
        }

        var items = rows.Select(x => new SimulatorOutboxItem(x.s.MessageId, x.s.ProviderMessageId,
            protector.Decrypt(x.s.PhoneCipher, db.Tenant.RequireTenant(), SmsPii.SimulatorPhone)!, protector.Decrypt(x.s.TextCipher, db.Tenant.RequireTenant(), SmsPii.SimulatorText)!,
            x.s.Segments, x.SentAt ?? x.s.AcceptedAt, x.Status ?? SmsStatus.Sent, x.CampaignId, x.Kind)).ToList();
        return new SimulatorOutboxPage(items, next);
    }
}
