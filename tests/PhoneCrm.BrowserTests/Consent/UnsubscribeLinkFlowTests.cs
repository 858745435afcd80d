using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;

namespace PhoneCrm.BrowserTests.Consent;

/// <summary>The person's side of <c>{{unsubscribeLink}}</c>: from the SMS text to no more advertising in two clicks.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class UnsubscribeLinkFlowTests(BrowserFixture app)
{
    [GeneratedRegex(@"https?://\S+/r/\w+$")]
    private static partial Regex TrailingShortLink();

    [Fact]
    public async Task The_link_in_a_campaign_sms_opens_the_preferences_page_and_withdraws_marketing_in_two_clicks()
    {
        var tenant = await app.CreateTenantAsync("Сад и огород");
        const string phone = "+79165550101";
        string text;
        using (var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
            Assert.True((await api.PutAsJsonAsync("/api/v1/settings/sending", new
            {
                timeZone = "Europe/Moscow",
                marketingWindow = new { from = "00:00", to = "00:00", days = new[] { "mon", "tue", "wed", "thu", "fri", "sat", "sun" } },
                caps = new { perDay = 5, informationalPerWeek = 5, promotionalPerMonth = 5 },
            })).IsSuccessStatusCode);
            var granted = await api.PostAsJsonAsync("/api/v1/consents", new
            {
                phone, purpose = "marketing", channel = "sms", legalBasis = "consent",
                evidence = new { method = "web_form", ip = "203.0.113.5", sourceUrl = "https://shop.example/checkout" },
            });
            Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
            var segment = await (await api.PostAsJsonAsync("/api/v1/segments", new { name = "Все", rule = new { all = Array.Empty<object>() } }))
                .Content.ReadFromJsonAsync<JsonElement>();
            var campaign = await api.PostAsJsonAsync("/api/v1/campaigns", new
            {
                name = "Теплицы", segmentId = segment.GetProperty("id").GetString(), purpose = "marketing",
                text = "Теплицы со скидкой 20% до воскресенья. Настроить или отказаться от рассылки: {{unsubscribeLink}}",
            });
            Assert.True(campaign.IsSuccessStatusCode, await campaign.Content.ReadAsStringAsync());
            var campaignId = (await campaign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            Assert.True((await api.PostAsync($"/api/v1/campaigns/{campaignId}/start", null)).IsSuccessStatusCode);
            text = await OutboxTextAsync(api, campaignId!);
        }

        // What the phone shows: the SMS with its link. Click 1: the link.
        var link = TrailingShortLink().Match(text).Value;
        Assert.StartsWith(app.BaseUrl + "/r/", link, StringComparison.Ordinal);
        var page = await app.NewPageAsync();
        await page.GotoAsync(link);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/p/[^/]+$"));
        var marketing = page.Locator(".pref-consent[data-purpose='marketing'][data-channel='sms']");
        await Assertions.Expect(marketing).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "unsubscribe-01-preferences-from-sms");

        // Click 2: withdraw.
        await marketing.GetByRole(AriaRole.Button, new() { Name = "Отозвать" }).ClickAsync();
        await Assertions.Expect(page.Locator("#pref-flash")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#pref-none")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "unsubscribe-02-withdrawn");

        using var check = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        check.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
        var contact = (await check.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(phone)}"))
            .GetProperty("items")[0].GetProperty("id").GetString();
        var history = (await check.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{contact}/consents")).GetProperty("items").EnumerateArray()
            .Where(c => c.GetProperty("purpose").GetString() == "marketing").Select(c => c.GetProperty("status").GetString()).ToList();
        Assert.Contains("withdrawn", history);
    }

    private static async Task<string> OutboxTextAsync(HttpClient api, string campaignId)
    {
        for (var i = 0; i < 300; i++)
        {
            var body = await api.GetFromJsonAsync<JsonElement>($"/api/v1/sms/outbox?campaignId={campaignId}");
            if (body.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } item)
                return item.GetProperty("text").GetString()!;
            await Task.Delay(200);
        }

        throw new TimeoutException("The campaign sent nothing.");
    }
}
