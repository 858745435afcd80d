using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Analytics;

/// <summary>
/// A phone number the tenant prints in one offline campaign (a flyer, a billboard): a <c>call_*</c> event whose
/// <c>data.dialledNumber</c> is this number attributes the caller to the campaign. The tenant's own number, not
/// personal data.
/// </summary>
public sealed class TrackingNumber : ITenantOwned
{
    public const int MaxNameLength = 200;

    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>E.164.</summary>
    public required string Number { get; set; }
    /// <summary>The offline campaign's name.</summary>
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
