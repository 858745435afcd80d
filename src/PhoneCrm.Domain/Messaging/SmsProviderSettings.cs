using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Messaging;

/// <summary>
/// A tenant's SMS gateway: which provider, its credentials (encrypted), the sender name and the price per segment used
/// for cost estimates. Without a row the tenant uses the <c>Sms:Provider</c> configuration and a price of 0.
/// </summary>
public sealed class SmsProviderSettings : ITenantOwned
{
    public Guid TenantId { get; set; }
    /// <summary><c>Simulator</c>, <c>SmsRu</c>, <c>Smsc</c>; null = the configured default.</summary>
    public string? Provider { get; set; }
    /// <summary>SMS.ru api_id, or SMSC login; encrypted with context <c>sms_provider.login</c>.</summary>
    public byte[]? LoginCipher { get; set; }
    /// <summary>SMSC password (or any secret); encrypted with context <c>sms_provider.secret</c>.</summary>
    public byte[]? SecretCipher { get; set; }
    /// <summary>Alpha sender name registered with the provider.</summary>
    public string? Sender { get; set; }
    public decimal PricePerSegment { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Names used in <c>Sms:Provider</c>, the tenant settings and <see cref="SmsMessage.Provider"/>.</summary>
public static class SmsProviderNames
{
    public const string Simulator = "Simulator";
    public const string SmsRu = "SmsRu";
    public const string Smsc = "Smsc";

    public static readonly IReadOnlyList<string> All = [Simulator, SmsRu, Smsc];
}
