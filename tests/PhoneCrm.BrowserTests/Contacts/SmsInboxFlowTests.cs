using System.Net.Http.Json;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;

namespace PhoneCrm.BrowserTests.Contacts;

[Collection(BrowserCollection.Name)]
public sealed class SmsInboxFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task A_marketer_injects_replies_in_the_simulator_and_handles_the_inbox()
    {
        var tenant = await app.CreateTenantAsync("Цветы у дома");
        var user = await tenant.AddUserAsync(Role.Marketer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, user);

        await BrowserFixture.NavigateAsync(page, "Симулятор SMS", "Сообщения");
        await ReplyAsync(page, "+7 916 555-12-34", "СТОП", "Ответ получен: Отписка (СТОП).");

        // The opt-out confirmation goes out through the simulator (delivery job or sweeper).
        for (var i = 0; i < 60 && await page.Locator("#simulator-table .simulator-row").CountAsync() == 0; i++)
        {
            await Task.Delay(500);
            await page.ReloadAsync();
        }

        await Assertions.Expect(page.Locator("#simulator-table .simulator-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#simulator-table")).ToContainTextAsync("вы отписались от рекламных SMS");
        await BrowserFixture.ScreenshotAsync(page, "sms-01-simulator");

        await ReplyAsync(page, "89165551234", "Когда привезут заказ?", "Ответ получен: Ответ.");

        await BrowserFixture.NavigateAsync(page, "Входящие", "Сообщения");
        var row = page.Locator("#inbox-table .inbox-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("Когда привезут заказ?");
        await Assertions.Expect(row).ToContainTextAsync("неизвестный номер");
        await BrowserFixture.ScreenshotAsync(page, "sms-02-inbox");

        // The answer goes back by SMS (transactional, so the earlier STOP for marketing does not stop it) and handles the reply.
        await row.Locator("summary", new() { HasText = "Ответить" }).ClickAsync();
        await row.GetByLabel("Ответ в SMS").FillAsync("Завтра до 18:00, курьер позвонит заранее.");
        await BrowserFixture.ScreenshotAsync(page, "sms-02b-reply");
        await row.GetByRole(AriaRole.Button, new() { Name = "Отправить ответ" }).ClickAsync();
        await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("Ответ поставлен в очередь.");
        await Assertions.Expect(page.Locator("#inbox-empty")).ToBeVisibleAsync();
        await page.Locator("#toggle-handled").ClickAsync();
        await Assertions.Expect(page.Locator("#inbox-table .inbox-row")).ToHaveCountAsync(2);
        await BrowserFixture.ScreenshotAsync(page, "sms-03-inbox-all");
    }

    [Fact]
    public async Task A_number_change_by_sms_shows_in_the_inbox_with_its_status()
    {
        var tenant = await app.CreateTenantAsync("Цветы у дома");
        using (var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
            var created = await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79165557777" });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var user = await tenant.AddUserAsync(Role.Marketer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, user);

        // «НОВЫЙ» from the contact's number, then the new number from the old one: a code goes to the new number.
        await BrowserFixture.NavigateAsync(page, "Симулятор SMS", "Сообщения");
        await ReplyAsync(page, "+7 916 555-77-77", "НОВЫЙ", "Ответ получен");
        await ReplyAsync(page, "+7 916 555-77-77", "+7 916 555-88-88", "Ответ получен");

        await BrowserFixture.NavigateAsync(page, "Входящие", "Сообщения");
        var change = page.Locator("#number-changes tr[data-status='awaiting_code']");
        await Assertions.Expect(change).ToHaveCountAsync(1);
        await Assertions.Expect(change).ToContainTextAsync("Ждём код");
        await BrowserFixture.ScreenshotAsync(page, "sms-04-number-change");
    }

    /// <summary>A reply typed into the SMS simulator, and the page's confirmation of it.</summary>
    private static async Task ReplyAsync(IPage page, string from, string text, string confirmation)
    {
        await page.GetByLabel("С номера").FillAsync(from);
        await page.GetByLabel("Текст").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Отправить ответ" }).ClickAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(confirmation);
    }
}
