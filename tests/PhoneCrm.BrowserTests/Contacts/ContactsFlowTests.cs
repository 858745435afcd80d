using System.Text.RegularExpressions;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;

namespace PhoneCrm.BrowserTests.Contacts;

[Collection(BrowserCollection.Name)]
public sealed class ContactsFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task Marketer_finds_a_contact_by_phone_edits_it_and_adds_a_note()
    {
        var tenant = await app.CreateTenantAsync("Сад и огород");
        using (var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
            var created = await api.PostAsJsonAsync("/api/v1/contacts", new
            {
                phone = "+79161234567", firstName = "Иван", lastName = "Петров", email = "ivan@example.ru", city = "Москва",
                gender = "male", birthDate = "1990-05-01", tags = new[] { "garden" }, source = new { channel = "website", detail = "delivery-page" },
            });
            Assert.True(created.IsSuccessStatusCode);
            await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79037654321", firstName = "Мария", lastName = "Соколова", city = "Казань", tags = new[] { "kitchen" } });
        }

        var user = await tenant.AddUserAsync(Role.Marketer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, user);

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Контакты" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/contacts$"));
        await Assertions.Expect(page.Locator("#contacts-table tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#contacts-total")).ToHaveTextAsync("Контактов: 2");
        // The table fits a laptop screen (1280 px): no sideways scrolling.
        Assert.False(await page.EvaluateAsync<bool>("() => { const w = document.querySelector('#contacts-table').parentElement; return w.scrollWidth > w.clientWidth; }"));
        await BrowserFixture.ScreenshotAsync(page, "contacts-01-list");

        // Partial search over encrypted data: a number's last four digits, a name's first letters; the hint says so.
        var search = page.GetByLabel("Телефон, email, имя или тег");
        await Assertions.Expect(page.Locator("#q-hint")).ToContainTextAsync("последние 4 цифры");
        await search.FillAsync("4321");
        await search.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#contacts-table tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#contacts-table")).ToContainTextAsync("Мария Соколова");
        await page.GetByLabel("Телефон, email, имя или тег").FillAsync("Пет");
        await page.GetByLabel("Телефон, email, имя или тег").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#contacts-table tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#contacts-table")).ToContainTextAsync("Иван Петров");
        await BrowserFixture.ScreenshotAsync(page, "contacts-01b-search-by-name-beginning");

        await page.GetByLabel("Телефон, email, имя или тег").FillAsync("8 916 123-45-67");
        await page.GetByLabel("Телефон, email, имя или тег").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#contacts-table tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#contacts-table")).ToContainTextAsync("+7 (916) 123-45-67");
        await Assertions.Expect(page.Locator("#contacts-table")).ToContainTextAsync("Иван Петров");
        await BrowserFixture.ScreenshotAsync(page, "contacts-02-search-by-phone");

        await page.GetByRole(AriaRole.Link, new() { Name = "+7 (916) 123-45-67" }).ClickAsync();
        await Assertions.Expect(page.Locator("#contact-phone")).ToHaveTextAsync("+7 (916) 123-45-67");
        await BrowserFixture.ScreenshotAsync(page, "contacts-03-card");

        // A bad email is refused with a Russian message, then fixed.
        await page.GetByLabel("Email").FillAsync("не-email");
        await page.GetByLabel("Город").FillAsync("Екатеринбург");
        await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить" }).ClickAsync();
        await Assertions.Expect(page.Locator("#email-error")).ToHaveTextAsync("Введите корректный email.");
        await BrowserFixture.ScreenshotAsync(page, "contacts-04-validation");
        await page.GetByLabel("Email").FillAsync("ivan.petrov@example.ru");
        await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Or(page.Locator(".alert-success"))).ToContainTextAsync("Сохранено");
        await Assertions.Expect(page.GetByLabel("Город")).ToHaveValueAsync("Екатеринбург");
        await Assertions.Expect(page.Locator("#contact-facts")).ToContainTextAsync("Asia/Yekaterinburg");

        await page.GetByLabel("Новая заметка").FillAsync("Просил перезвонить после 18:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Добавить заметку" }).ClickAsync();
        await Assertions.Expect(page.Locator("#notes .note-text")).ToHaveTextAsync("Просил перезвонить после 18:00");
        await BrowserFixture.ScreenshotAsync(page, "contacts-05-note-added");

        await page.Locator("#tab-consents").ClickAsync();
        await Assertions.Expect(page.Locator("#no-consents")).ToContainTextAsync("Согласий этого контакта нет.");
        await BrowserFixture.ScreenshotAsync(page, "contacts-06-consents-tab");
    }
}
