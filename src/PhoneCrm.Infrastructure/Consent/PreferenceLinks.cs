using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using PhoneCrm.Infrastructure.Hosting;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// Signed, long-lived links to a contact's public preferences page (no login): an ASP.NET Data Protection token
/// (keys in PostgreSQL, shared by every node) holding tenant and contact, expiring after a year. Campaigns put it
/// in messages as <c>{{unsubscribeLink}}</c>, behind a short link (<c>ShortLinks</c>). Base address: <see cref="PublicAddress"/>.
/// </summary>
public sealed class PreferenceLinks(IDataProtectionProvider provider, TenantContext tenant, IConfiguration config, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);
    private readonly ITimeLimitedDataProtector _protector =
        provider.CreateProtector("PhoneCrm.Consent.Preferences.v1").ToTimeLimitedDataProtector();

    /// <summary>The token for a contact of the current tenant.</summary>
    public string TokenFor(Guid contactId) => TokenFor(tenant.RequireTenant(), contactId);

    private string TokenFor(Guid tenantId, Guid contactId) =>
        _protector.Protect(string.Create(CultureInfo.InvariantCulture, $"{tenantId:N}|{contactId:N}"), clock.GetUtcNow() + Lifetime);

    /// <summary>The absolute link to a contact's page, on <paramref name="baseUrl"/> or the app's <see cref="PublicAddress"/>.</summary>
    public string LinkFor(Guid contactId, string? baseUrl = null) => LinkFor(tenant.RequireTenant(), contactId, baseUrl);

    /// <summary>
    /// The link for a contact of <paramref name="tenantId"/>, whichever tenant is current: a short link (no tenant of its
    /// own, followed anonymously) makes it fresh on every click.
    /// </summary>
    public string LinkFor(Guid tenantId, Guid contactId, string? baseUrl = null)
    {
        var root = (baseUrl ?? PublicAddress.Of(config)).TrimEnd('/');
        return $"{root}/p/{TokenFor(tenantId, contactId)}";
    }

    /// <summary>Tenant and contact of a valid, unexpired token; null for anything tampered with or expired.</summary>
    public (Guid TenantId, Guid ContactId)? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1024) return null;
        try
        {
            var parts = _protector.Unprotect(token, out var expires).Split('|');
            if (expires < clock.GetUtcNow() || parts.Length != 2) return null;
            return Guid.TryParseExact(parts[0], "N", out var t) && Guid.TryParseExact(parts[1], "N", out var c) ? (t, c) : null;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException)
        {
            return null;
        }
    }
}
