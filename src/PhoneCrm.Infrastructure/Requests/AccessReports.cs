using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Audiences;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>
/// Builds the access report (<see cref="AccessReport"/>) of one person from everything the tenant holds: the contact row
/// (decrypted), the consent ledger and its current states, the purposes' terms, the SMS providers that carried their
/// messages, and the counts of messages, events and notes. Every build is a read of personal data and is audited.
/// </summary>
public sealed class AccessReports(
    PhoneCrmDbContext db,
    ContactService contacts,
    ConsentLedger ledger,
    ConsentPurposes purposes,
    AuditLog audit,
    TimeProvider clock)
{
    public const string AuditEntity = "access_report";

    /// <summary>
    /// The report of the contact; <see cref="AccessReport.NothingHeld"/> when no such contact exists in this tenant or it
    /// has been erased.
    /// </summary>
    public async Task<AccessReport> BuildAsync(Guid contactId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var contact = await contacts.GetAsync(contactId, ContactScope.Full, ct);
        if (contact is null || contact.Status == ContactStatus.Erased)
        {
            await audit.WriteAsync(AuditActions.Read, AuditEntity, contactId.ToString(), "nothing held", ct);
            return AccessReport.NothingHeld(now);
        }

        var view = contacts.View(contact, ContactScope.Full);
        var records = await ledger.HistoryAsync(contactId, ct);
        var states = await ledger.StatesAsync(contactId, ct);
        var purposeRows = (await purposes.ListAsync(ct)).ToDictionary(p => p.Code, StringComparer.Ordinal);

        var consents = records.Select(r => new AccessReportConsent(r.Id, r.Seq, r.Action, r.Purpose, r.Channel, r.LegalBasis, r.ExpiresAt,
            r.Evidence(), r.TextVersion())).ToList();

        var firstGrant = records.Where(r => r.Action == ConsentActions.Grant)
            .GroupBy(r => (r.Purpose, r.Channel)).ToDictionary(g => g.Key, g => g.Min(r => r.CapturedAt));
        var purposeList = states.Select(s =>
        {
            var status = s.EffectiveStatus(now);
            var expired = status == ConsentStatus.Expired ? s.ExpiresAt : null;
            purposeRows.TryGetValue(s.Purpose, out var p);
            var destructionDays = RetentionPolicy.DestructionDays(p?.RetentionDays);
            return new AccessReportPurpose(s.Purpose, p?.Name ?? s.Purpose, s.Channel, s.LegalBasis, status,
                firstGrant.TryGetValue((s.Purpose, s.Channel), out var since) ? since : s.GrantedAt, s.WithdrawnAt, s.ExpiresAt, p?.ValidityDays,
                destructionDays, AccessReportPurpose.RetentionEnd(s.Status == ConsentStatus.Withdrawn ? s.WithdrawnAt : null, expired, destructionDays));
        }).ToList();

        var sources = new List<AccessReportSource> { new("contact", contact.SourceChannel, contact.SourceDetail, contact.CreatedAt) };
        sources.AddRange(records.Where(r => r.Action == ConsentActions.Grant)
            .GroupBy(r => (r.Method, r.SourceUrl))
            .Select(g => new AccessReportSource("consent", g.Key.Method, g.Key.SourceUrl, g.Min(r => r.CapturedAt)))
            .OrderBy(s => s.Since));

        var providers = await db.SmsMessages.AsNoTracking()
            .Where(m => m.ContactId == contactId && m.Provider != null && m.SentAt != null)
            .GroupBy(m => m.Provider!)
            .Select(g => new { Name = g.Key, Count = g.Count(), First = g.Min(m => m.SentAt!.Value), Last = g.Max(m => m.SentAt!.Value) })
            .ToListAsync(ct);

        var sent = await db.SmsMessages.AsNoTracking().CountAsync(m => m.ContactId == contactId, ct);
        var received = await db.InboundSms.AsNoTracking()
            .CountAsync(m => m.ContactId == contactId || (m.FromIndex != null && m.FromIndex == contact.PhoneIndex), ct);
        var events = await db.ContactEvents.AsNoTracking().Where(e => e.ContactId == contactId)
            .GroupBy(e => 1)
            .Select(g => new { All = g.Count(), Orders = g.Count(e => e.Type == EventTypes.OrderPlaced), First = g.Min(e => e.OccurredAt) })
            .SingleOrDefaultAsync(ct);
        var notes = await db.ContactNotes.AsNoTracking().CountAsync(n => n.ContactId == contactId, ct);

        var since = new[] { (DateTimeOffset?)contact.CreatedAt, records.Count > 0 ? records.Min(r => r.CapturedAt) : null, events?.First }
            .Where(t => t is not null).Min();

        var report = new AccessReport(
            contactId,
            true,
            now,
            new AccessReportSubject(view.Phone, view.FirstName, view.LastName, view.Email, view.City, view.Gender, view.BirthDate, view.Tags,
                view.Attributes, view.PhoneType, view.Carrier, view.Region, view.TimeZone, view.Status, contact.MarketingFrequency,
                contact.Stats.PurchasedCategories, contact.CreatedAt, contact.UpdatedAt),
            consents,
            purposeList,
            records.Where(r => r.LegalBasis is not null).Select(r => r.LegalBasis!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            sources,
            new AccessReportRecipients(
                providers.OrderBy(p => p.First).Select(p => new AccessReportRecipient(p.Name, p.Count, p.First, p.Last)).ToList(),
                await AudienceExports.RecipientsOfAsync(db, contactId, ct)),
            since,
            new AccessReportCounts(sent, received, events?.All ?? 0, events?.Orders ?? 0, notes));
        await audit.WriteAsync(AuditActions.Read, AuditEntity, contactId.ToString(),
            $"consents={consents.Count};purposes={purposeList.Count};messages={sent}", ct);
        return report;
    }
}
