using System.Net;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.BrowserTests.Analytics;

/// <summary>The marketer opens Analytics from the menu: a weekly chart, a campaign flagged for opt-outs, the drill-down.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AnalyticsPageTests(BrowserFixture app)
{
    [Fact]
    public async Task Marketer_sees_a_chart_and_a_flagged_campaign_and_drills_down()
    {
        var tenant = await app.CreateTenantAsync("Аналитика");
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
        await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);
        for (var i = 0; i < 3; i++) await GrantAsync(api, Phone(500 + i));
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api), "Семена -30%: https://shop.example/seeds Отписка: СТОП");
        await StartAsync(api, campaignId);
        await WaitAsync(api, campaignId);
        // One of three opts out: 33 % > 2 %, flagged.
        var stop = await api.PostAsync("/api/v1/sms/inbound", Json(new { from = Phone(501), to = "PhoneCrm", text = "СТОП", receivedAt = DateTimeOffset.UtcNow }));
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);

        var marketer = await tenant.AddUserAsync(Role.Marketer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, marketer);
        await BrowserFixture.NavigateAsync(page, "Аналитика");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Аналитика");
        // A bar per week of the default 90-day period; this week's carries the three messages.
        await Assertions.Expect(page.Locator("#chart-sent rect[data-value='3']")).ToHaveCountAsync(1);
        var row = page.Locator($"#analytics-table tr[data-id='{campaignId}']");
        await Assertions.Expect(row.Locator("[data-flag='highOptOutRate']")).ToHaveTextAsync("Отписок больше 2 %");
        await Assertions.Expect(row.Locator("[data-figure='optOutRate']")).ToHaveTextAsync("33,33 %");
        await Assertions.Expect(row.Locator("[data-figure='optOutRate']")).ToHaveClassAsync("text-end text-danger fw-semibold");
        await Assertions.Expect(page.Locator("#analytics-table thead")).ToContainTextAsync("≤ 2 %");
        await BrowserFixture.ScreenshotAsync(page, "analytics-01-page");

        await row.GetByRole(AriaRole.Link, new() { Name = "Семена -30%" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Семена -30%");
        await Assertions.Expect(page.Locator("#campaign-figures [data-figure='sent']")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("[data-flag='highOptOutRate']")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "analytics-02-campaign");

        // The sales manager has no analytics at all.
        var sales = await tenant.AddUserAsync(Role.SalesManager);
        var other = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(other, sales);
        await Assertions.Expect(other.GetByRole(AriaRole.Navigation, new() { Name = "Основное меню" }).GetByRole(AriaRole.Link, new() { Name = "Аналитика" }))
            .ToHaveCountAsync(0);
    }
}
