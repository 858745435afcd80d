using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>Whom a preferences link opens for: the phone masked, never shown whole to an unauthenticated reader.</summary>
public sealed record PreferencesHolder(Guid ContactId, string MaskedPhone, string? Frequency);

/// <summary>The person's own preferences page behind a signed <see cref="PreferenceLinks"/> link (no login).</summary>
public sealed class ContactPreferences(PreferenceLinks links, PhoneCrmDbContext db, PiiProtector protector, TimeProvider clock)
{
    /// <summary>
    /// The contact a valid, unexpired token names; the token's tenant is set for the rest of the request. Null for a
    /// tampered or expired token, or a contact that no longer exists or was erased.
    /// </summary>
    public async Task<PreferencesHolder?> OpenAsync(string token, CancellationToken ct = default)
    {
        if (links.Read(token) is not { } target) return null;
        db.Tenant.Set(target.TenantId);
        var contact = await db.Contacts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == target.ContactId && c.Status != ContactStatus.Erased, ct);
        return contact is null ? null
            : new PreferencesHolder(contact.Id, PhoneMasking.Mask(protector.Decrypt(contact.PhoneCipher, contact.TenantId, ContactService.PhoneContext)!),
                contact.MarketingFrequency);
    }

    /// <summary>Sets the contact's marketing frequency (null: the tenant's default); false for a value that is not one of <see cref="MarketingFrequency.All"/>.</summary>
    public async Task<bool> SetFrequencyAsync(Guid contactId, string? frequency, CancellationToken ct = default)
    {
        if (frequency is not null && !MarketingFrequency.All.Contains(frequency)) return false;
        await db.Contacts.Where(c => c.Id == contactId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.MarketingFrequency, frequency).SetProperty(c => c.UpdatedAt, clock.GetUtcNow()), ct);
        return true;
    }
}
