using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Analytics;

/// <summary>
/// The figures of a campaign whose attribution window has closed (<see cref="AttributionWindow"/>), computed once by the
/// same set-based SQL as the live figures and stored, so that the analytics page reads 200 campaigns over millions of
/// messages without attributing them again. One row per campaign under <see cref="TotalKey"/> and one per day its
/// messages were created (<c>yyyy-MM-dd</c> in <see cref="TimeZone"/>) for the weekly charts. A row is current only for
/// the window and zone it was computed with; the tenant changing either makes the campaign live again until the job
/// stores it anew.
/// </summary>
public sealed class ClosedCampaignFigures : ITenantOwned
{
    public const string TotalKey = "total";

    public Guid TenantId { get; set; }
    public Guid CampaignId { get; set; }
    /// <summary><see cref="TotalKey"/>, or the day (yyyy-MM-dd in <see cref="TimeZone"/>) of the messages counted.</summary>
    public required string Key { get; set; }
    public int AttributionDays { get; set; }
    public required string TimeZone { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
    public long Sent { get; set; }
    public long Delivered { get; set; }
    public long Read { get; set; }
    public long Failed { get; set; }
    public decimal Cost { get; set; }
    public long Clicks { get; set; }
    public long Conversions { get; set; }
    public decimal Revenue { get; set; }
    public long OptOuts { get; set; }
    public long Complaints { get; set; }

    public CampaignCounts Counts => new(Sent, Delivered, Read, Clicks, Conversions, OptOuts, Complaints, Cost, Revenue);
}

/// <summary>When a campaign's figures can no longer change and may be stored (<see cref="ClosedCampaignFigures"/>).</summary>
public static class AttributionWindow
{
    /// <summary>
    /// A day past the window: receipts arrive late, and staff mark yesterday's replies as complaints the next morning.
    /// </summary>
    public const int GraceDays = 1;

    /// <summary>A finished campaign whose every message was sent before this instant has a closed window at <paramref name="now"/>.</summary>
    public static DateTimeOffset ClosedBefore(DateTimeOffset now, int attributionDays) => now.AddDays(-(attributionDays + GraceDays));

    public static bool IsClosed(DateTimeOffset lastSentAt, DateTimeOffset now, int attributionDays) =>
        lastSentAt < ClosedBefore(now, attributionDays);
}
