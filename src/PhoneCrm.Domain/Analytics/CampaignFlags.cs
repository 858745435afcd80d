namespace PhoneCrm.Domain.Analytics;

/// <summary>The thresholds of api-v1 "Analytics" (the seed's defaults): below or above them a campaign is flagged.</summary>
public sealed record FlagThresholds(decimal MinDeliveryRate = 0.95m, decimal MaxOptOutRate = 0.02m, decimal MinRoi = 0.5m,
    decimal MinClickRate = 0.02m)
{
    public static FlagThresholds Default { get; } = new();
}

/// <summary>What a campaign's counts say about it: its rates (0..1, null when the denominator is 0) and flags.</summary>
public sealed record CampaignRates(decimal? DeliveryRate, decimal? ClickRate, decimal? OptOutRate, decimal? Roi, IReadOnlyList<string> Flags);

/// <summary>
/// One definition of the campaign rates and flags of api-v1 "Analytics": delivery rate = delivered / sent, click rate =
/// unique clicking recipients / delivered, opt-out rate = opt-outs / sent, ROI = (revenue − cost) / cost; each rounded to
/// four decimals. A campaign with nothing sent has no rates and no flags (nothing to judge yet).
/// </summary>
public static class CampaignFlags
{
    public const string LowDeliveryRate = "lowDeliveryRate";
    public const string HighOptOutRate = "highOptOutRate";
    public const string LowRoi = "lowRoi";
    public const string LowClickRate = "lowClickRate";

    public static CampaignRates Judge(long sent, long delivered, long clicks, long optOuts, decimal cost, decimal revenue,
        FlagThresholds? thresholds = null)
    {
        var t = thresholds ?? FlagThresholds.Default;
        var deliveryRate = Rate(delivered, sent);
        var clickRate = Rate(clicks, delivered);
        var optOutRate = Rate(optOuts, sent);
        decimal? roi = cost > 0 ? Math.Round((revenue - cost) / cost, 4) : null;
        var flags = new List<string>();
        if (deliveryRate < t.MinDeliveryRate) flags.Add(LowDeliveryRate);
        if (optOutRate > t.MaxOptOutRate) flags.Add(HighOptOutRate);
        if (roi < t.MinRoi) flags.Add(LowRoi);
        if (clickRate < t.MinClickRate) flags.Add(LowClickRate);
        return new CampaignRates(deliveryRate, clickRate, optOutRate, roi, flags);
    }

    private static decimal? Rate(long part, long whole) => whole > 0 ? Math.Round((decimal)part / whole, 4) : null;
}
