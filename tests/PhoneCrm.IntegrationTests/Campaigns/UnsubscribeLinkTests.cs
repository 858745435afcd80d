using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Infrastructure.Messaging.Automations;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Campaigns;

/// <summary>
/// <c>{{unsubscribeLink}}</c> in campaigns, automations and test sends: a short link per recipient that leads, through
/// redirects, to the person's own preferences page, where marketing is withdrawn.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class UnsubscribeLinkTests(AppFixture app)
{
    private const string LinkOnly = "{{firstName|Здравствуйте}}, скидка 30% на семена: https://shop.example/seeds Настройки рассылки: {{unsubscribeLink}}";

    [GeneratedRegex(@"https?://[^\s]+/r/(\w+)")]
    private static partial Regex ShortLink();

    [Fact]
    public async Task A_campaigns_outbox_text_carries_a_short_link_that_redirects_to_the_persons_preferences_where_marketing_is_withdrawn()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api);
        await GrantAsync(api, Phone(11));
        await GrantAsync(api, Phone(12));
        // The link alone satisfies the opt-out rule: no «СТОП» in the text.
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api), LinkOnly);
        await StartAsync(api, campaignId);
        await WaitAsync(api, campaignId);
        var outbox = await OutboxAsync(api, campaignId);
        Assert.Equal(2, outbox.Count);

        var text = outbox.Single(m => m.GetProperty("phone").GetString() == Phone(11)).GetProperty("text").GetString()!;
        Assert.DoesNotContain("{{", text, StringComparison.Ordinal);
        var codes = ShortLink().Matches(text).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, codes.Count); // the offer's link and the preferences link, each shortened
        Assert.EndsWith($"/r/{codes[1]}", text, StringComparison.Ordinal);
        var otherText = outbox.Single(m => m.GetProperty("phone").GetString() == Phone(12)).GetProperty("text").GetString()!;
        Assert.DoesNotContain(codes[1], otherText, StringComparison.Ordinal); // per recipient

        // Follow the redirect chain as a phone's browser would: short link → signed preferences page.
        using var browser = app.Session();
        var redirect = await browser.GetAsync($"/r/{codes[1]}");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var target = redirect.Headers.Location!.OriginalString; // relative: the same host the short link was opened on
        Assert.Matches("^/p/[^/?]+$", target);
        var page = await browser.GetAsync(target);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/withdraw", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var withdrawn = await browser.PostFormAsync(target + "/withdraw",
            new() { ["purpose"] = ConsentTerms.Marketing, ["channel"] = "sms" }, tokenFrom: target);
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        var states = await tenant.WithDbAsync(db => db.ConsentStates.AsNoTracking()
            .Where(s => s.Purpose == ConsentTerms.Marketing && s.Channel == "sms").Select(s => s.Status).ToListAsync());
        Assert.Equal([ConsentStatus.Active, ConsentStatus.Withdrawn], states.Order());

        // Opening one's preferences is no interest in the offer: not a campaign click.
        var stats = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}")).GetProperty("stats");
        Assert.Equal(0, stats.GetProperty("clicks").GetInt32());
        Assert.Equal(1, stats.GetProperty("optOuts").GetInt32());
    }

    [Fact]
    public async Task A_test_send_shows_where_the_link_goes()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api), LinkOnly);
        var response = await api.PostAsync($"/api/v1/campaigns/{campaignId}/test", Json(new { phones = new[] { "+79260000011" } }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = (await SmsOutboxTextsAsync(api, campaignId)).Single();
        Assert.EndsWith("Настройки рассылки: " + ShortLink().Matches(text)[^1].Value, text, StringComparison.Ordinal);
        Assert.EndsWith("/r/test", text, StringComparison.Ordinal);
    }

    private static async Task<List<string>> SmsOutboxTextsAsync(HttpClient api, string campaignId)
    {
        for (var i = 0; i < 100; i++)
        {
            var items = await OutboxAsync(api, campaignId);
            if (items.Count > 0) return items.Select(m => m.GetProperty("text").GetString()!).ToList();
            await Task.Delay(100);
        }

        return [];
    }

    [Fact]
    public async Task Automation_links_are_shortened_and_tracked_per_run_with_the_preferences_link()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);
        const string phone = "+79167000031";
        await GrantAsync(api, phone);
        await app.InTenantAsync(tenant.Id, async sp =>
        {
            var (_, errors) = await sp.GetRequiredService<AutomationSettings>().SaveAsync(AutomationKind.CartAbandoned,
                new AutomationInput(true, "Корзина ждёт: {{link}} Настройки: {{unsubscribeLink}}", null, 0, null, null), CancellationToken.None);
            Assert.True(errors.IsValid, errors.ToString());
            return 0;
        });
        var ev = await api.PostAsync("/api/v1/events", Json(new
        {
            type = "cart_abandoned", externalId = "cart-31", phone, occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1), data = new { cartUrl = "https://shop.example/cart/31" },
        }));
        Assert.Equal(HttpStatusCode.Accepted, ev.StatusCode);

        var worker = app.Factory.Services.GetRequiredService<AutomationWorker>();
        string? text = null;
        for (var i = 0; i < 100 && text is null; i++)
        {
            await worker.RunTenantAsync(tenant.Id, CancellationToken.None);
            var body = await api.GetFromJsonAsync<JsonElement>($"/api/v1/sms/outbox?phone={Uri.EscapeDataString(phone)}");
            text = body.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()).FirstOrDefault();
            if (text is null) await Task.Delay(100);
        }

        Assert.NotNull(text);
        var codes = ShortLink().Matches(text).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, codes.Count);
        Assert.DoesNotContain("shop.example", text, StringComparison.Ordinal);

        using var anonymous = app.Client();
        var cart = await anonymous.GetAsync($"/r/{codes[0]}");
        Assert.StartsWith("https://shop.example/cart/31?", cart.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains("utm_source=sms", cart.Headers.Location!.Query, StringComparison.Ordinal);
        var preferences = await anonymous.GetAsync($"/r/{codes[1]}");
        Assert.Matches("^/p/[^/?]+$", preferences.Headers.Location!.OriginalString);

        var run = await tenant.WithDbAsync(db => db.AutomationRuns.AsNoTracking().SingleAsync(r => r.Step == 1));
        var links = await tenant.WithDbAsync(db => db.ShortLinks.AsNoTracking().Where(l => l.AutomationRunId == run.Id).ToListAsync());
        Assert.Equal(2, links.Count);
        Assert.All(links, l => Assert.Null(l.CampaignId));
        Assert.Equal(1, links.Single(l => l.Code == codes[0]).Clicks);
    }
}
