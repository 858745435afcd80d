namespace PhoneCrm.Domain.Analytics;

/// <summary>The thresholds of api-v1 "Analytics" (the seed's defaults); a tenant edits them in <see cref="AnalyticsSettings"/>.</summary>
public sealed record FlagThresholds(decimal MinDeliveryRate = 0.95m, decimal MaxOptOutRate = 0.02m, decimal MinRoi = 0.5m,
    decimal MinClickRate = 0.02m, decimal MaxComplaintRate = 0.001m)
{
    public static FlagThresholds Default { get; } = new();
}

/// <summary>
/// What a campaign, an automation or an A/B variant did, counted: messages sent, delivered (a <c>read</c> receipt is
/// delivered too), read; unique recipients who clicked, converted (an attributed <c>order_placed</c>), opted out or
/// complained; the cost of its segments and the revenue of its attributed orders.
/// </summary>
public sealed record CampaignCounts(long Sent, long Delivered, long Read, long Clicks, long Conversions, long OptOuts, long Complaints,
    decimal Cost, decimal Revenue)
{
    public static CampaignCounts None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0m, 0m);
}

/// <summary>What the counts say: rates in 0..1 rounded to four decimals (null when the denominator is 0), ROI, flags.</summary>
public sealed record CampaignRates(decimal? DeliveryRate, decimal? ReadRate, decimal? ClickRate, decimal? ConversionRate,
    decimal? OptOutRate, decimal? ComplaintRate, decimal? Roi, IReadOnlyList<string> Flags);

/// <summary>
/// One definition of the rates and flags of api-v1 "Analytics": delivery rate = delivered / sent, read rate = read /
/// delivered, click rate = unique clicking recipients / delivered, conversion rate = converted recipients / delivered,
/// opt-out rate = opt-outs / sent, complaint rate = complaints / sent, ROI = (revenue − cost) / cost; each rounded to
/// four decimals. A rate with a zero denominator is null and raises no flag (nothing to judge yet).
/// </summary>
public static class CampaignFlags
{
    public const string LowDeliveryRate = "lowDeliveryRate";
    public const string HighOptOutRate = "highOptOutRate";
    public const string LowRoi = "lowRoi";
    public const string HighComplaintRate = "highComplaintRate";
    public const string LowClickRate = "lowClickRate";

    /// <summary>Every flag in the order api-v1 lists them (and the pages show them).</summary>
    public static IReadOnlyList<string> All { get; } = [LowDeliveryRate, HighOptOutRate, LowRoi, HighComplaintRate, LowClickRate];

    public static CampaignRates Judge(CampaignCounts counts, FlagThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var t = thresholds ?? FlagThresholds.Default;
        var deliveryRate = Rate(counts.Delivered, counts.Sent);
        var clickRate = Rate(counts.Clicks, counts.Delivered);
        var optOutRate = Rate(counts.OptOuts, counts.Sent);
        var complaintRate = Rate(counts.Complaints, counts.Sent);
        var roi = Roi(counts.Cost, counts.Revenue);
        var flags = new List<string>();
        if (deliveryRate < t.MinDeliveryRate) flags.Add(LowDeliveryRate);
        if (optOutRate > t.MaxOptOutRate) flags.Add(HighOptOutRate);
        if (roi < t.MinRoi) flags.Add(LowRoi);
        if (complaintRate > t.MaxComplaintRate) flags.Add(HighComplaintRate);
        if (clickRate < t.MinClickRate) flags.Add(LowClickRate);
        return new CampaignRates(deliveryRate, Rate(counts.Read, counts.Delivered), clickRate, Rate(counts.Conversions, counts.Delivered),
            optOutRate, complaintRate, roi, flags);
    }

    /// <summary>(revenue − cost) / cost to four decimals; null when nothing cost anything.</summary>
    public static decimal? Roi(decimal cost, decimal revenue) => cost > 0 ? Math.Round((revenue - cost) / cost, 4) : null;

    public static decimal? Rate(long part, long whole) => whole > 0 ? Math.Round((decimal)part / whole, 4) : null;
}
