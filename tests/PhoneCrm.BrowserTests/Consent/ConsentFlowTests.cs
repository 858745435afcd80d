using System.Net.Http.Json;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;

namespace PhoneCrm.BrowserTests.Consent;

[Collection(BrowserCollection.Name)]
public sealed class ConsentFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task Staff_finds_a_consent_with_its_evidence_and_withdraws_it()
    {
        var tenant = await app.CreateTenantAsync("Сад и огород");
        using (var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
            var granted = await api.PostAsJsonAsync("/api/v1/consents", new
            {
                phone = "+79161234567", purpose = "marketing", channel = "sms", legalBasis = "consent",
                evidence = new { method = "web_form", ip = "203.0.113.5", userAgent = "Mozilla/5.0 (checkout)", sourceUrl = "https://shop.example/checkout" },
            });
            Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
        }

        var user = await tenant.AddUserAsync(Role.Marketer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, user);

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Согласия" }).ClickAsync();
        await Assertions.Expect(page.Locator("#chain-ok")).ToHaveTextAsync("Цепочка целостна");
        await page.GetByLabel("Найти согласия контакта по телефону").FillAsync("8 (916) 123-45-67");
        await BrowserFixture.ScreenshotAsync(page, "consent-01-page");
        await page.GetByRole(AriaRole.Button, new() { Name = "Найти" }).ClickAsync();

        var state = page.Locator("#consent-state-table .consent-state");
        await Assertions.Expect(state).ToHaveCountAsync(1);
        await Assertions.Expect(state.Locator(".consent-status")).ToHaveTextAsync("Действует");
        await Assertions.Expect(page.Locator("#consent-history-table .consent-evidence")).ToContainTextAsync("https://shop.example/checkout");
        await Assertions.Expect(page.Locator("#consent-history-table .consent-evidence")).ToContainTextAsync("203.0.113.5");
        await BrowserFixture.ScreenshotAsync(page, "consent-02-card-tab");

        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await state.GetByRole(AriaRole.Button, new() { Name = "Отозвать" }).ClickAsync();
        await Assertions.Expect(state.Locator(".consent-status")).ToHaveTextAsync("Отозвано");
        await Assertions.Expect(page.Locator("#consent-history-table .consent-record")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#consent-history-table .consent-evidence").First).ToContainTextAsync("Сотрудник");
        await Assertions.Expect(state.GetByRole(AriaRole.Button, new() { Name = "Отозвать" })).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "consent-03-withdrawn");
    }
}
