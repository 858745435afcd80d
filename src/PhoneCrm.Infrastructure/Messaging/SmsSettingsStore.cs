using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>The current tenant's SMS gateway settings, with config defaults; credentials decrypted only on demand.</summary>
public sealed class SmsSettingsStore(PhoneCrmDbContext db, PiiProtector protector, IOptionsMonitor<SmsOptions> options, IConfiguration config,
    TimeProvider clock, Http.ProviderCallbackTokens callbackTokens)
{
    /// <summary>Where SMS.ru and SMSC should post this tenant's receipts and replies (secret included).</summary>
    public (string SmsRu, string Smsc) CallbackUrls()
    {
        var tenant = db.Tenant.RequireTenant();
        return (callbackTokens.UrlFor(tenant, Http.ProviderCallbackTokens.SmsRuPath), callbackTokens.UrlFor(tenant, Http.ProviderCallbackTokens.SmscPath));
    }

    private (Guid Tenant, SmsProviderSettings? Row)? _cached;

    public async Task<SmsProviderSettings?> GetAsync(CancellationToken ct)
    {
        var tenant = db.Tenant.RequireTenant();
        if (_cached is { } c && c.Tenant == tenant) return c.Row;
        var row = await db.SmsProviderSettings.AsNoTracking().SingleOrDefaultAsync(ct);
        _cached = (tenant, row);
        return row;
    }

    /// <summary>The provider this tenant sends through: its own choice, else <c>Sms:Provider</c>.</summary>
    public async Task<string> ProviderNameAsync(CancellationToken ct) =>
        (await GetAsync(ct))?.Provider is { Length: > 0 } p ? p : options.CurrentValue.Provider;

    public const decimal DefaultPricePerSegment = 3.50m;

    /// <summary>
    /// The one price of an SMS part for this tenant — the pre-send estimate and the cost of every queued message: the
    /// tenant's own price, else <c>Campaigns:PricePerSegment</c>, so a tenant that never set one still has a cost.
    /// </summary>
    public async Task<decimal> PricePerSegmentAsync(CancellationToken ct) =>
        (await GetAsync(ct))?.PricePerSegment is > 0m and var own ? own : config.GetValue("Campaigns:PricePerSegment", DefaultPricePerSegment);

    public async Task<string?> SenderAsync(CancellationToken ct) => (await GetAsync(ct))?.Sender;

    public async Task<(string? Login, string? Secret)> CredentialsAsync(CancellationToken ct)
    {
        var row = await GetAsync(ct);
        var tenant = db.Tenant.RequireTenant();
        return (protector.Decrypt(row?.LoginCipher, tenant, SmsPii.ProviderLogin), protector.Decrypt(row?.SecretCipher, tenant, SmsPii.ProviderSecret));
    }

    /// <summary>Saves the settings; a null login/secret keeps the stored one, an empty string clears it.</summary>
    public async Task SaveAsync(string? provider, string? sender, decimal pricePerSegment, string? login, string? secret, CancellationToken ct)
    {
        var row = await db.SmsProviderSettings.SingleOrDefaultAsync(ct);
        if (row is null)
        {
            row = new SmsProviderSettings();
            db.SmsProviderSettings.Add(row);
        }

        row.Provider = string.IsNullOrWhiteSpace(provider) ? null : provider.Trim();
        row.Sender = string.IsNullOrWhiteSpace(sender) ? null : sender.Trim();
        row.PricePerSegment = pricePerSegment;
        var tenant = db.Tenant.RequireTenant();
        if (login is not null) row.LoginCipher = login.Length == 0 ? null : protector.Encrypt(login, tenant, SmsPii.ProviderLogin);
        if (secret is not null) row.SecretCipher = secret.Length == 0 ? null : protector.Encrypt(secret, tenant, SmsPii.ProviderSecret);
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        _cached = null;
    }
}
