using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Messaging.Automations;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Campaigns;

/// <summary>Issue 12 item 10: campaign links are shortened only for the tenant's allowed link domains.</summary>
[Collection(AppCollection.Name)]
public sealed class LinkDomainTests(AppFixture app)
{
    [Fact]
    public async Task A_link_to_a_host_outside_the_allowed_domains_is_400_naming_the_host_in_text_and_variant_b()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var segment = await SegmentAllAsync(api);

        var bad = await api.PostAsync("/api/v1/campaigns", Json(new
        {
            name = "Фишинг", segmentId = segment, purpose = "marketing",
            text = "Скидка: https://evil.example/login Отписка: СТОП",
            abTest = new { variantB = "Скидка: https://shop.example.evil.example/x Отписка: СТОП", testPercent = 10, decideAfterMinutes = 60 },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("evil.example", errors.GetProperty("text")[0].GetString());
        Assert.Contains("shop.example.evil.example", errors.GetProperty("abTest.variantB")[0].GetString());

        // The shop itself and its subdomains are allowed (the test app's installation default: shop.example).
        var good = await api.PostAsync("/api/v1/campaigns", Json(new
        {
            name = "Скидка", segmentId = segment, purpose = "marketing", text = "Скидка: https://www.shop.example/sale Отписка: СТОП",
        }));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);

        // Once the Admin names the tenant's own domains, only those count.
        await app.InTenantAsync(tenant.Id, async sp =>
            (await sp.GetRequiredService<PublicSafetySettings>().SaveAsync(new PublicSafetyInput("RU", null, "evil.example"))).IsValid);
        var now = await api.PostAsync("/api/v1/campaigns", Json(new
        {
            name = "Скидка", segmentId = segment, purpose = "marketing", text = "Скидка: https://shop.example/sale Отписка: СТОП",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, now.StatusCode);
        Assert.Contains("shop.example", (await now.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("text")[0].GetString());
    }

    [Fact]
    public async Task An_automation_text_or_follow_up_with_a_link_outside_the_allowed_domains_is_refused_on_save()
    {
        var tenant = await app.CreateTenantAsync();
        var kind = AutomationKind.All.First(k => k.DefaultFollowUpText is not null);
        var errors = await app.InTenantAsync(tenant.Id, async sp =>
        {
            var settings = sp.GetRequiredService<AutomationSettings>();
            var current = (await settings.GetAsync(kind.Code, CancellationToken.None))!;
            var (saved, bad) = await settings.SaveAsync(kind.Code, new AutomationInput(true, current.Text + " https://evil.example/a",
                current.FollowUpText + " https://shop.example.evil.example/b", null, null, null), CancellationToken.None);
            Assert.Null(saved);
            var (good, none) = await settings.SaveAsync(kind.Code, new AutomationInput(true, current.Text + " https://www.shop.example/a",
                current.FollowUpText, null, null, null), CancellationToken.None);
            Assert.True(none.IsValid, none.ToString());
            Assert.NotNull(good);
            return bad;
        });
        Assert.Contains("evil.example", errors.ByField["text"][0], StringComparison.Ordinal);
        Assert.Contains("shop.example.evil.example", errors.ByField["followUpText"][0], StringComparison.Ordinal);
    }
}
