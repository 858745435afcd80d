using PhoneCrm.Domain.Analytics;

namespace PhoneCrm.Web.Hosting;

/// <summary>
/// The flags of a campaign or an automation as badges naming the tenant's threshold (<c>Views/Shared/_FlagBadges.cshtml</c>),
/// shown the same on the dashboard and the analytics page.
/// </summary>
public sealed record FlagBadges(IReadOnlyList<string> Flags, FlagThresholds Thresholds)
{
    /// <summary>The English key of a flag's label and the threshold it names.</summary>
    public (string Key, decimal Threshold) LabelOf(string flag) => flag switch
    {
        CampaignFlags.LowDeliveryRate => ("Delivery below {0}", Thresholds.MinDeliveryRate),
        CampaignFlags.HighOptOutRate => ("Opt-outs above {0}", Thresholds.MaxOptOutRate),
        CampaignFlags.LowRoi => ("ROI below {0}", Thresholds.MinRoi),
        CampaignFlags.HighComplaintRate => ("Complaints above {0}", Thresholds.MaxComplaintRate),
        CampaignFlags.LowClickRate => ("Clicks below {0}", Thresholds.MinClickRate),
        _ => (flag, 0m),
    };

    /// <summary>A share 0..1 as a percentage in the current culture («95 %», «0,1 %»); "—" for none.</summary>
    public static string Percent(decimal? share) =>
        share is { } s ? (s * 100).ToString("0.##", System.Globalization.CultureInfo.CurrentCulture) + " %" : "—";
}
