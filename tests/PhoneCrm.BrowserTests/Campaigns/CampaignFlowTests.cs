using System.Net.Http.Json;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;

namespace PhoneCrm.BrowserTests.Campaigns;

[Collection(BrowserCollection.Name)]
public sealed class CampaignFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task Marketer_creates_a_campaign_from_a_segment_test_sends_starts_it_and_reads_the_reasons()
    {
        var tenant = await app.CreateTenantAsync("Семена и рассада");
        using (var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
            var settings = await api.PutAsJsonAsync("/api/v1/settings/sending", new
            {
                timeZone = "Europe/Moscow",
                marketingWindow = new { from = "00:00", to = "00:00", days = new[] { "mon", "tue", "wed", "thu", "fri", "sat", "sun" } },
                caps = new { perDay = 5, informationalPerWeek = 5, promotionalPerMonth = 5 },
            });
            Assert.True(settings.IsSuccessStatusCode, await settings.Content.ReadAsStringAsync());
            for (var i = 0; i < 8; i++)
            {
                var phone = $"+7916555{i:D4}";
                if (i < 5)
                {
                    var granted = await api.PostAsJsonAsync("/api/v1/consents", new
                    {
                        phone, purpose = "marketing", channel = "sms", legalBasis = "consent",
                        evidence = new { method = "web_form", ip = "203.0.113.5", sourceUrl = "https://shop.example/checkout" },
                    });
                    Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
                }

                var contact = await api.PostAsJsonAsync("/api/v1/contacts", new { phone, firstName = i % 2 == 0 ? "Анна" : null, tags = new[] { "garden" } });
                Assert.True(contact.IsSuccessStatusCode, await contact.Content.ReadAsStringAsync());
            }

            var segment = await api.PostAsJsonAsync("/api/v1/segments", new { name = "Садоводы", rule = new { field = "tags", op = "contains", value = "garden" } });
            Assert.True(segment.IsSuccessStatusCode, await segment.Content.ReadAsStringAsync());
        }

        var user = await tenant.AddUserAsync(Role.Marketer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, user);

        // The Marketer writes the text once as a template: the counter, the opt-out check and a preview for a real contact.
        await BrowserFixture.NavigateAsync(page, "Шаблоны", "Сообщения");
        await page.Locator("#new-template").ClickAsync();
        await page.GetByLabel("Имя").FillAsync("Семена -30%");
        var text = page.GetByLabel("Текст сообщения");
        await text.FillAsync("{{firstName|Друг}}, скидка 30% на семена по коду SNEG23");
        await Assertions.Expect(page.Locator("#optout-warning")).ToBeVisibleAsync();
        await text.FillAsync("{{firstName|Друг}}, скидка 30% на семена по коду SNEG23. Отписка: СТОП");
        await Assertions.Expect(page.Locator("#optout-warning")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#segment-count")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#preview")).ToHaveTextAsync("Анна, скидка 30% на семена по коду SNEG23. Отписка: СТОП");
        await BrowserFixture.ScreenshotAsync(page, "campaign-00-template");
        await page.Locator("#save-template").ClickAsync();
        await Assertions.Expect(page.Locator("#templates-table")).ToContainTextAsync("Семена -30%");

        await BrowserFixture.NavigateAsync(page, "Рассылки", "Сообщения");
        await page.Locator("#new-campaign").ClickAsync();
        await page.GetByLabel("Начать с шаблона").SelectOptionAsync(new SelectOptionValue { Label = "Семена -30%" });
        await Assertions.Expect(page.GetByLabel("Текст", new() { Exact = true }))
            .ToHaveValueAsync("{{firstName|Друг}}, скидка 30% на семена по коду SNEG23. Отписка: СТОП");
        await page.GetByLabel("Название рассылки").FillAsync("Семена -30%");
        await page.GetByLabel("Сегмент").SelectOptionAsync(new SelectOptionValue { Label = "Садоводы" });
        await Assertions.Expect(page.Locator("#audience-size")).ToHaveTextAsync("8");
        await Assertions.Expect(page.Locator("#audience-eligible")).ToHaveTextAsync("5");
        await Assertions.Expect(page.Locator("#segment-count")).ToHaveTextAsync("1");
        await BrowserFixture.ScreenshotAsync(page, "campaign-01-new");
        await page.Locator("#save-campaign").ClickAsync();

        await Assertions.Expect(page.Locator("#campaign-status")).ToHaveTextAsync("Черновик");
        await page.GetByLabel("3–5 номеров команды через запятую").FillAsync("+79260000001, +79260000002, +79260000003");
        await page.Locator("#test-send").ClickAsync();
        await Assertions.Expect(page.Locator("#test-results li")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#test-results")).ToContainTextAsync("+79260000001: отправлено");
        await BrowserFixture.ScreenshotAsync(page, "campaign-02-test-sent");

        // The draft stays editable, and the form refuses what the template editor refuses, in the same words.
        await page.Locator("#edit-campaign").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Изменить кампанию");
        var campaignText = page.GetByLabel("Текст", new() { Exact = true });
        await campaignText.FillAsync("{{firstName|Друг}}, скидка 30% по коду {{promo}}. Отписка: СТОП");
        await page.Locator("#save-campaign").ClickAsync();
        await Assertions.Expect(page.Locator("#text-error")).ToHaveTextAsync("В тексте неизвестная переменная: используйте только перечисленные под полем.");
        await campaignText.FillAsync("{{firstName|Друг}}, скидка 30% на семена по коду SNEG23. Отписка: СТОП");
        await page.GetByLabel("Название рассылки").FillAsync("Семена -30% (весна)");
        await page.Locator("#save-campaign").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Семена -30% (весна)");

        // Sending asks once more, with the number of recipients and the cost; «Не сейчас» leaves the draft alone.
        await page.Locator("#start-campaign").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-start-title")).ToHaveTextAsync("Отправить сейчас получателям: 5?");
        await Assertions.Expect(page.Locator("#confirm-start-cost")).ToContainTextAsync("₽");
        await BrowserFixture.ScreenshotAsync(page, "campaign-02b-confirm");
        await page.GetByRole(AriaRole.Link, new() { Name = "Не сейчас" }).ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-start")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#campaign-status")).ToHaveTextAsync("Черновик");
        await page.Locator("#start-campaign").ClickAsync();
        await page.Locator("#confirm-start-button").ClickAsync();
        await Assertions.Expect(page.Locator("#campaign-status")).ToHaveTextAsync("Завершена", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("h2", new() { HasText = "Действия" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#stat-sent")).ToHaveTextAsync("5");
        await Assertions.Expect(page.Locator("#progress-bar")).ToHaveTextAsync("100%");
        await BrowserFixture.ScreenshotAsync(page, "campaign-03-progress");

        await page.Locator("#open-recipients").ClickAsync();
        await Assertions.Expect(page.Locator("#recipients tbody tr")).ToHaveCountAsync(8);
        await Assertions.Expect(page.Locator("#recipients .recipient-name").First).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("#recipients")).ToContainTextAsync("Анна");
        await page.GetByLabel("Результат").SelectOptionAsync("skipped");
        await page.Locator("#apply-filter").ClickAsync();
        await Assertions.Expect(page.Locator("#recipients tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#recipients tbody tr").First).ToContainTextAsync("нет согласия");
        await BrowserFixture.ScreenshotAsync(page, "campaign-04-recipients");
    }
}
