using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Analytics;

/// <summary>
/// A tenant's analytics settings (api-v1 "Analytics"): the attribution window and the flag thresholds. A tenant without
/// a row has the defaults (<c>Analytics:AttributionDays</c>, else 7; the seed's thresholds).
/// </summary>
public sealed class AnalyticsSettings : ITenantOwned
{
    public const int DefaultAttributionDays = 7;
    public const int MaxAttributionDays = 90;

    public Guid TenantId { get; set; }
    public int AttributionDays { get; set; } = DefaultAttributionDays;
    public decimal MinDeliveryRate { get; set; } = FlagThresholds.Default.MinDeliveryRate;
    public decimal MaxOptOutRate { get; set; } = FlagThresholds.Default.MaxOptOutRate;
    public decimal MinRoi { get; set; } = FlagThresholds.Default.MinRoi;
    public decimal MaxComplaintRate { get; set; } = FlagThresholds.Default.MaxComplaintRate;
    public decimal MinClickRate { get; set; } = FlagThresholds.Default.MinClickRate;
    public DateTimeOffset UpdatedAt { get; set; }

    public static AnalyticsSettings Defaults(Guid tenantId, int attributionDays = DefaultAttributionDays) =>
        new() { TenantId = tenantId, AttributionDays = attributionDays };

    public FlagThresholds Thresholds => new(MinDeliveryRate, MaxOptOutRate, MinRoi, MinClickRate, MaxComplaintRate);
}
