using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Hygiene;

/// <summary>
/// The person's side of <see cref="ReconsentJob"/>: on the preferences page (reached by the SMS's link) an open request is
/// confirmed by a fresh grant in the ledger, with the page's evidence, which starts the next cycle.
/// </summary>
public sealed class Reconsents(PhoneCrmDbContext db, ConsentLedger ledger, PiiProtector protector, TimeProvider clock)
{
    /// <summary>Whether the contact has a request waiting for an answer (the current tenant's, set by the signed link).</summary>
    public Task<bool> IsOpenAsync(Guid contactId, CancellationToken ct = default) =>
        db.ReconsentRequests.AsNoTracking().AnyAsync(r => r.ContactId == contactId && r.SentAt != null && r.ConfirmedAt == null && r.ExcludedAt == null, ct);

    /// <summary>Confirms the open request: a fresh marketing SMS grant with <paramref name="evidence"/>. False when none is open.</summary>
    public async Task<bool> ConfirmAsync(Guid contactId, ConsentEvidence evidence, CancellationToken ct = default)
    {
        var open = await db.ReconsentRequests.AsNoTracking()
            .Where(r => r.ContactId == contactId && r.ConfirmedAt == null && r.ExcludedAt == null).Select(r => r.Id).ToListAsync(ct);
        if (open.Count == 0) return false;
        var phone = await db.Contacts.AsNoTracking().Where(c => c.Id == contactId).Select(c => c.PhoneCipher).SingleAsync(ct);
        var granted = await ledger.GrantAsync(new GrantInput(protector.Decrypt(phone, db.Tenant.RequireTenant(), ContactService.PhoneContext), ConsentTerms.Marketing,
            SendIntent.Channel, "consent", null, evidence), ct);
        if (!granted.IsValid) return false;
        await db.ReconsentRequests.Where(r => open.Contains(r.Id) && r.ConfirmedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ConfirmedAt, clock.GetUtcNow()), ct);
        return true;
    }
}
