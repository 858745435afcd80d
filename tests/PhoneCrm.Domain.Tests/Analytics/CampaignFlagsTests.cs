using PhoneCrm.Domain.Analytics;

namespace PhoneCrm.Domain.Tests.Analytics;

public sealed class CampaignFlagsTests
{
    [Fact]
    public void A_healthy_campaign_has_its_rates_and_no_flags()
    {
        // 1000 sent, 980 delivered, 49 clicked, 5 opted out; cost 3 500 ₽, revenue 12 000 ₽.
        var r = CampaignFlags.Judge(1000, 980, 49, 5, 3500m, 12000m);
        Assert.Equal(0.98m, r.DeliveryRate);
        Assert.Equal(0.05m, r.ClickRate);
        Assert.Equal(0.005m, r.OptOutRate);
        Assert.Equal(2.4286m, r.Roi);
        Assert.Empty(r.Flags);
    }

    [Fact]
    public void Every_threshold_crossed_is_a_flag()
    {
        // 200 sent, 180 delivered (0.9), 3 clicks (0.0167), 5 opt-outs (0.025); cost 700, revenue 1000 → ROI 0.4286.
        var r = CampaignFlags.Judge(200, 180, 3, 5, 700m, 1000m);
        Assert.Equal([CampaignFlags.LowDeliveryRate, CampaignFlags.HighOptOutRate, CampaignFlags.LowRoi, CampaignFlags.LowClickRate], r.Flags);
    }

    [Fact]
    public void At_the_threshold_is_not_a_flag()
    {
        var r = CampaignFlags.Judge(100, 95, 2, 2, 100m, 150m); // 0.95, 0.0211, 0.02, 0.5
        Assert.Empty(r.Flags);
    }

    [Fact]
    public void Nothing_sent_means_no_rates_and_no_flags()
    {
        var r = CampaignFlags.Judge(0, 0, 0, 0, 0m, 0m);
        Assert.Null(r.DeliveryRate);
        Assert.Null(r.ClickRate);
        Assert.Null(r.OptOutRate);
        Assert.Null(r.Roi);
        Assert.Empty(r.Flags);
    }

    [Fact]
    public void Tenant_thresholds_replace_the_defaults()
    {
        var strict = new FlagThresholds(MinDeliveryRate: 0.99m);
        Assert.Equal([CampaignFlags.LowDeliveryRate], CampaignFlags.Judge(1000, 980, 100, 0, 0m, 0m, strict).Flags);
    }
}
