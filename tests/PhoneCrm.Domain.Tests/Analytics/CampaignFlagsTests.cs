using PhoneCrm.Domain.Analytics;

namespace PhoneCrm.Domain.Tests.Analytics;

public sealed class CampaignFlagsTests
{
    [Fact]
    public void A_healthy_campaign_has_its_rates_and_no_flags()
    {
        // 1000 sent, 980 delivered, 300 read, 49 clicked, 12 converted, 5 opted out, 1 complaint; cost 3 500 ₽, revenue 12 000 ₽.
        var r = CampaignFlags.Judge(new CampaignCounts(1000, 980, 300, 49, 12, 5, 1, 3500m, 12000m));
        Assert.Equal(0.98m, r.DeliveryRate);
        Assert.Equal(0.3061m, r.ReadRate); // 300 / 980 = 0.306122…
        Assert.Equal(0.05m, r.ClickRate);
        Assert.Equal(0.0122m, r.ConversionRate); // 12 / 980 = 0.012244…
        Assert.Equal(0.005m, r.OptOutRate);
        Assert.Equal(0.001m, r.ComplaintRate);
        Assert.Equal(2.4286m, r.Roi); // 8500 / 3500 = 2.428571…
        Assert.Empty(r.Flags);
    }

    [Fact]
    public void Every_threshold_crossed_is_a_flag_in_the_api_order()
    {
        // 200 sent, 180 delivered (0.9), 3 clicks (0.0167), 5 opt-outs (0.025), 1 complaint (0.005); cost 700, revenue 1000 → ROI 0.4286.
        var r = CampaignFlags.Judge(new CampaignCounts(200, 180, 0, 3, 1, 5, 1, 700m, 1000m));
        Assert.Equal(CampaignFlags.All, r.Flags);
        Assert.Equal(0.4286m, r.Roi);
        Assert.Equal(0.005m, r.ComplaintRate);
    }

    [Fact]
    public void At_the_threshold_is_not_a_flag()
    {
        // 0.95 delivered, 0.0211 clicks, 0.02 opt-outs, 0.001 complaints, ROI 0.5.
        var r = CampaignFlags.Judge(new CampaignCounts(1000, 950, 0, 20, 0, 20, 1, 100m, 150m));
        Assert.Empty(r.Flags);
    }

    [Fact]
    public void Nothing_sent_means_no_rates_and_no_flags()
    {
        var r = CampaignFlags.Judge(CampaignCounts.None);
        Assert.Null(r.DeliveryRate);
        Assert.Null(r.ReadRate);
        Assert.Null(r.ClickRate);
        Assert.Null(r.ConversionRate);
        Assert.Null(r.OptOutRate);
        Assert.Null(r.ComplaintRate);
        Assert.Null(r.Roi);
        Assert.Empty(r.Flags);
    }

    [Fact]
    public void Sent_but_nothing_delivered_has_a_delivery_rate_of_zero_and_no_click_rate()
    {
        var r = CampaignFlags.Judge(new CampaignCounts(3, 0, 0, 0, 0, 0, 0, 10.5m, 0m));
        Assert.Equal(0m, r.DeliveryRate);
        Assert.Null(r.ClickRate);
        Assert.Equal(-1m, r.Roi);
        Assert.Equal([CampaignFlags.LowDeliveryRate, CampaignFlags.LowRoi], r.Flags);
    }

    [Fact]
    public void Tenant_thresholds_replace_the_defaults()
    {
        var strict = AnalyticsSettings.Defaults(Guid.NewGuid());
        strict.MinDeliveryRate = 0.99m;
        Assert.Equal([CampaignFlags.LowDeliveryRate],
            CampaignFlags.Judge(new CampaignCounts(1000, 980, 0, 100, 0, 0, 0, 0m, 0m), strict.Thresholds).Flags);
    }
}
