using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;

namespace PhoneCrm.BrowserTests.Campaigns;

/// <summary>A send time typed on the campaign form is the tenant's local time, shown back as typed, with the zone named.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TenantClockFlowTests(BrowserFixture app)
{
    [Theory]
    [InlineData("Asia/Vladivostok", "vladivostok", "Время: Владивосток (UTC+10:00)", "Time: Vladivostok (UTC+10:00)")]
    [InlineData("Europe/Moscow", "moscow", "Время: Москва (UTC+03:00)", "Time: Moscow (UTC+03:00)")]
    public async Task Marketer_schedules_a_campaign_at_10_00_local_and_sees_10_00_back(string zoneId, string shot, string russianZone, string englishZone)
    {
        var tenant = await app.CreateTenantAsync("Рассада Приморья");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
        var settings = await api.PutAsJsonAsync("/api/v1/settings/sending", new
        {
            timeZone = zoneId,
            marketingWindow = new { from = "09:00", to = "21:00", days = new[] { "mon", "tue", "wed", "thu", "fri", "sat", "sun" } },
            caps = new { perDay = 5, informationalPerWeek = 5, promotionalPerMonth = 5 },
        });
        Assert.True(settings.IsSuccessStatusCode, await settings.Content.ReadAsStringAsync());
        var segment = await api.PostAsJsonAsync("/api/v1/segments", new { name = "Все", rule = new { all = Array.Empty<object>() } });
        Assert.True(segment.IsSuccessStatusCode, await segment.Content.ReadAsStringAsync());

        var user = await tenant.AddUserAsync(Role.Marketer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, user);
        await page.GotoAsync("/campaigns/new");
        await Assertions.Expect(page.Locator("#tenant-zone")).ToHaveTextAsync(russianZone);
        var tomorrow = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime).AddDays(1);
        var at10 = tomorrow.ToDateTime(new TimeOnly(10, 0));
        await page.GetByLabel("Название рассылки").FillAsync($"Утренняя рассылка ({shot})");
        await page.GetByLabel("Сегмент").SelectOptionAsync(new SelectOptionValue { Label = "Все" });
        await page.GetByLabel("Текст", new() { Exact = true }).FillAsync("Доброе утро! Рассада уже в продаже. Отписка: СТОП");
        await page.GetByLabel("Отправить в (пусто — сейчас)").FillAsync(at10.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#optout-warning")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, $"clock-01-{shot}-form");
        await page.Locator("#save-campaign").ClickAsync();

        await Assertions.Expect(page.Locator("#campaign-send-at")).ToHaveTextAsync(at10.ToString("g", new CultureInfo("ru-RU")));
        await Assertions.Expect(page.Locator("#tenant-zone")).ToHaveTextAsync(russianZone);
        await BrowserFixture.ScreenshotAsync(page, $"clock-02-{shot}-campaign");
        var campaignId = page.Url[(page.Url.LastIndexOf('/') + 1)..];

        // Stored as the instant 10:00 names there: 00:00Z in Vladivostok, 07:00Z in Moscow.
        var stored = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}")).GetProperty("sendAt").GetDateTimeOffset();
        Assert.Equal(at10 - zone.BaseUtcOffset, stored.UtcDateTime);

        await page.GotoAsync($"/campaigns/{campaignId}?culture=en-US&ui-culture=en-US");
        await Assertions.Expect(page.Locator("#campaign-send-at")).ToHaveTextAsync(at10.ToString("g", new CultureInfo("en-US")));
        await Assertions.Expect(page.Locator("#tenant-zone")).ToHaveTextAsync(englishZone);
        await BrowserFixture.ScreenshotAsync(page, $"clock-03-{shot}-campaign-en");
    }
}
