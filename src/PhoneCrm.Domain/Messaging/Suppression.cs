using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Messaging;

/// <summary>
/// A phone number that must not receive marketing (or anything), whatever consents say: STOP replies, erasures,
/// hygiene findings. Keyed by the phone's blind index so it survives the contact's erasure and re-import.
/// </summary>
public sealed class Suppression : ITenantOwned
{
    public Guid TenantId { get; set; }
    /// <summary>Blind index of the E.164 digits (same key as <c>contacts.phone_index</c>).</summary>
    public required byte[] PhoneIndex { get; set; }
    public string Scope { get; set; } = SuppressionScopes.Marketing;
    /// <summary><c>stop_reply</c>, <c>erasure</c>, <c>staff</c>, <c>hygiene</c>, …</summary>
    public required string Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public static class SuppressionScopes
{
    /// <summary>No marketing (promotional or informational campaigns); transactional still allowed.</summary>
    public const string Marketing = "marketing";
    /// <summary>Nothing at all (e.g. the number is dead or belongs to someone else now).</summary>
    public const string All = "all";
}

/// <summary>A contact's own choice on the preferences page: fewer marketing messages than the tenant caps allow.</summary>
public static class MarketingFrequency
{
    /// <summary>At most one marketing message a week.</summary>
    public const string Weekly = "weekly";
    /// <summary>At most one marketing message a month.</summary>
    public const string Monthly = "monthly";

    public static readonly IReadOnlyList<string> All = [Weekly, Monthly];
}
