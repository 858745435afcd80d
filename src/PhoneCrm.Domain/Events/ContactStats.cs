using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Events;

/// <summary>
/// Computed attributes of one contact, kept current as events arrive. Stored on the contact's own row (an owned value),
/// so a segment count reads them from the same index as the contact's fields instead of joining a second table.
/// </summary>
public sealed class ContactStats
{
    public DateTimeOffset? LastPurchaseAt { get; set; }
    public int OrdersCount { get; set; }
    public decimal TotalSpent { get; set; }
    /// <summary>Null until the first order.</summary>
    public decimal? AvgOrderValue { get; set; }
    public DateTimeOffset? LastEngagedAt { get; set; }
    /// <summary>Marketing messages delivered after <see cref="LastEngagedAt"/> (api-v1 "Engagement").</summary>
    public int UnansweredMessages { get; set; }
    /// <summary>Unanswered calls (<c>call_unanswered</c> events) since the last engagement.</summary>
    public int UnansweredCalls { get; set; }
    /// <summary>The categories bought from, sorted: the set of the contact's <see cref="ContactCategory"/> rows.</summary>
    public List<string> PurchasedCategories { get; set; } = [];
}

/// <summary>A category the contact has bought from, with the latest purchase in it.</summary>
public sealed class ContactCategory : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid ContactId { get; set; }
    public required string Category { get; set; }
    public DateTimeOffset LastPurchasedAt { get; set; }
}
