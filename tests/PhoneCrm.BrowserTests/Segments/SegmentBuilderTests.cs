using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;

namespace PhoneCrm.BrowserTests.Segments;

/// <summary>
/// The visual builder on hand-built data: six contacts, of which four live in Москва, two of those bought garden goods in
/// the last 90 days (a third did 200 days ago) and one of the two has marketing SMS consent.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SegmentBuilderTests(BrowserFixture app)
{
    [Fact]
    public async Task Marketer_builds_city_garden_and_consent_rule_watching_the_count_and_saves_it()
    {
        var tenant = await app.CreateTenantAsync("Сад и огород");
        using (var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
            async Task PostAsync(string path, object body)
            {
                var r = await api.PostAsJsonAsync(path, body);
                Assert.True(r.IsSuccessStatusCode, path + ": " + await r.Content.ReadAsStringAsync());
            }

            string Ago(int days) => DateTimeOffset.UtcNow.AddDays(-days).ToString("O", CultureInfo.InvariantCulture);
            async Task OrderAsync(string id, string phone, int daysAgo, string category) => await PostAsync("/api/v1/events", new
            {
                type = "order_placed", externalId = id, phone, occurredAt = Ago(daysAgo),
                data = new { amount = 1500, items = new[] { new { sku = "S-1", name = "Товар", category, price = 1500, quantity = 1 } } },
            });
            async Task ConsentAsync(string phone) => await PostAsync("/api/v1/consents", new
            {
                phone, purpose = "marketing", channel = "sms", legalBasis = "consent",
                evidence = new { method = "web_form", ip = "203.0.113.5", sourceUrl = "https://shop.example/checkout" },
            });

            await PostAsync("/api/v1/contacts", new { phone = "+79161110001", city = "Москва", firstName = "Анна" });
            await PostAsync("/api/v1/contacts", new { phone = "+79161110002", city = "Москва" });
            await PostAsync("/api/v1/contacts", new { phone = "+79161110003", city = "Москва" });
            await PostAsync("/api/v1/contacts", new { phone = "+79161110004", city = "Москва" });
            await PostAsync("/api/v1/contacts", new { phone = "+79161110005", city = "Санкт-Петербург" });
            await PostAsync("/api/v1/contacts", new { phone = "+79161110006", city = "Казань" });
            await OrderAsync("o-1", "+79161110001", 10, "garden");
            await OrderAsync("o-2", "+79161110002", 20, "garden");
            await OrderAsync("o-3", "+79161110003", 200, "garden");
            await OrderAsync("o-5", "+79161110005", 5, "garden");
            await OrderAsync("o-6", "+79161110006", 5, "tools");
            await ConsentAsync("+79161110001");
            await ConsentAsync("+79161110003");
            await ConsentAsync("+79161110005");
        }

        var user = await tenant.AddUserAsync(Role.Marketer);
        var page = await app.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Пароль", new() { Exact = true }).FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();

        await page.GotoAsync("/segments");
        await page.Locator("#new-segment").ClickAsync();
        var count = page.Locator("#segment-count [data-count]");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", "6");
        await BrowserFixture.ScreenshotAsync(page, "segments-01-empty-builder");

        // 1. city = Москва, typed with the autocomplete from existing cities.
        await page.GetByRole(AriaRole.Button, new() { Name = "+ Добавить условие" }).Last.ClickAsync();
        var rows = page.Locator(".builder-condition");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        var city = rows.Nth(0).GetByLabel("Значение");
        await city.PressSequentiallyAsync("Мос");
        await Assertions.Expect(rows.Nth(0).Locator("datalist option[value='Москва']")).ToHaveCountAsync(1);
        await city.FillAsync("Москва");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", "4");

        // 2. bought garden goods in the last 90 days.
        await page.GetByRole(AriaRole.Button, new() { Name = "+ Добавить условие" }).Last.ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await rows.Nth(1).GetByLabel("Поле").SelectOptionAsync(new SelectOptionValue { Label = "Покупал категорию" });
        await rows.Nth(1).GetByLabel("Значение").FillAsync("garden");
        await rows.Nth(1).GetByLabel("за последние N дней (необязательно)").FillAsync("90");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", "2");

        // 3. has marketing SMS consent.
        await page.GetByRole(AriaRole.Button, new() { Name = "+ Добавить условие" }).Last.ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await rows.Nth(2).GetByLabel("Поле").SelectOptionAsync(new SelectOptionValue { Label = "Согласие" });
        await rows.Nth(2).GetByLabel("Цель").SelectOptionAsync(new SelectOptionValue { Label = "Маркетинг" });
        await rows.Nth(2).GetByLabel("Канал").SelectOptionAsync("sms");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", "1");
        await Assertions.Expect(page.Locator("#sample-list .sample-contact")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#sample-list")).ToContainTextAsync("Анна");
        await BrowserFixture.ScreenshotAsync(page, "segments-02-three-conditions");

        await page.GetByLabel("Название сегмента").FillAsync("Москва: садоводы с согласием");
        await page.Locator("#save-segment").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/segments/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Москва: садоводы с согласием");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", "1");
        var json = await page.Locator("#rule").InputValueAsync();
        Assert.Contains("\"withinDays\": 90", json, StringComparison.Ordinal);
        Assert.Contains("\"purpose\": \"marketing\"", json, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "segments-03-saved");

        await page.GotoAsync("/segments");
        await Assertions.Expect(page.Locator("#segments")).ToContainTextAsync("Москва: садоводы с согласием");
        await Assertions.Expect(page.Locator("#segments [data-count]")).ToHaveAttributeAsync("data-count", "1");
    }
}
