using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.IntegrationTests.Infrastructure;
using PhoneCrm.IntegrationTests.Messaging;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Campaigns;

/// <summary>The pre-send estimate and the cost of what is sent use one price: the tenant's, else the configured default.</summary>
[Collection(AppCollection.Name)]
public sealed class CampaignCostTests(AppFixture app)
{
    private static readonly string _twoParts = new('Ж', 71);

    [Fact]
    public async Task The_estimate_and_the_cost_use_the_tenants_price_or_the_default()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await GrantAsync(api, "+79161230701");
        var segmentId = await SegmentAllAsync(api);
        using var session = await tenant.SignInAsync(Role.Marketer);

        async Task<string> EstimateAsync() => await (await session.PostFormAsync("/campaigns/audience",
            new() { ["segmentId"] = segmentId, ["purpose"] = "marketing", ["category"] = "promotional", ["text"] = _twoParts },
            "/campaigns/new")).Content.ReadAsStringAsync();

        // No price of its own (a tenant made by `tenant create`): Campaigns:PricePerSegment, 3.50.
        Assert.Contains("7,00 ₽", await EstimateAsync(), StringComparison.Ordinal);
        Assert.Equal(7.00m, (await tenant.QueueAsync(SmsTestData.Sms(SmsTestData.Phone(), _twoParts))).Cost);

        await app.InTenantAsync(tenant.Id, async sp =>
        {
            await sp.GetRequiredService<SmsSettingsStore>().SaveAsync(null, "Shop", 3.95m, null, null, CancellationToken.None);
            return 0;
        });

        var estimate = await EstimateAsync();
        Assert.Contains("7,90 ₽", estimate, StringComparison.Ordinal);
        Assert.Contains("3,95 ₽", estimate, StringComparison.Ordinal);
        Assert.Equal(7.90m, (await tenant.QueueAsync(SmsTestData.Sms(SmsTestData.Phone(), _twoParts))).Cost);
    }
}
