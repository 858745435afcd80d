using PhoneCrm.Domain.Analytics;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Messaging.Campaigns;

namespace PhoneCrm.Infrastructure.Analytics;

public sealed record SkippedFigures(long NoConsent, long Suppressed, long FrequencyCap, long InvalidPhone, long Erased, long Unengaged)
{
    public static SkippedFigures From(IReadOnlyDictionary<string, long> skipped)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        long Of(string reason) => skipped.GetValueOrDefault(reason);
        return new(Of(SendReasons.NoConsent), Of(SendReasons.Suppressed), Of(SendReasons.FrequencyCap), Of(SendReasons.InvalidPhone),
            Of(SendReasons.Erased), Of(SendReasons.Unengaged));
    }
}

/// <summary>
/// The <c>stats</c> object of api-v1 (campaigns, automations, the analytics list): the counts the campaign API always
/// had, then the "Analytics" rates (0..1, four decimals, null when the denominator is 0) and <c>flags</c>.
/// </summary>
public sealed record AnalyticsStats(long Audience, long Sent, long Deferred, SkippedFigures Skipped, long Delivered, long Failed,
    long Clicks, long OptOuts, decimal Cost, decimal Revenue, decimal? Roi, long Pending,
    long Read, decimal? DeliveryRate, decimal? ReadRate, decimal? ClickRate, long Conversions, decimal? ConversionRate,
    decimal? OptOutRate, long Complaints, decimal? ComplaintRate, IReadOnlyList<string> Flags)
{
    public static AnalyticsStats From(CampaignStats s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var r = s.Rates;
        return new(s.Audience, s.Sent, s.Deferred, SkippedFigures.From(s.Skipped), s.Delivered, s.Failed, s.Clicks, s.OptOuts, s.Cost,
            s.Revenue, r.Roi, s.Pending, s.Read, r.DeliveryRate, r.ReadRate, r.ClickRate, s.Conversions, r.ConversionRate, r.OptOutRate,
            s.Complaints, r.ComplaintRate, r.Flags);
    }

    /// <param name="audience">Who the measured thing tried to reach (an automation: its runs).</param>
    public static AnalyticsStats From(MeasuredFigures m, CampaignRates r, long audience, SkippedFigures skipped, long pending)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(r);
        var c = m.Counts;
        return new(audience, c.Sent, 0, skipped, c.Delivered, m.Failed, c.Clicks, c.OptOuts, c.Cost, c.Revenue, r.Roi, pending, c.Read,
            r.DeliveryRate, r.ReadRate, r.ClickRate, c.Conversions, r.ConversionRate, r.OptOutRate, c.Complaints, r.ComplaintRate, r.Flags);
    }
}
