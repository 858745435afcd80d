using System.Net.Http.Json;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;

namespace PhoneCrm.BrowserTests.Consent;

/// <summary>The compliance officer's bulk proof: a bad line is named, never a reason to lose the good ones.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BulkProofFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task A_bad_line_is_named_and_the_valid_numbers_are_proven()
    {
        var tenant = await app.CreateTenantAsync("Доказательства");
        using (var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
            var granted = await api.PostAsJsonAsync("/api/v1/consents", new
            {
                phone = "+79161234567", purpose = "marketing", channel = "sms", legalBasis = "consent",
                evidence = new { method = "web_form", ip = "203.0.113.5", sourceUrl = "https://shop.example/checkout" },
            });
            Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
        }

        var officer = await tenant.AddUserAsync(Role.ComplianceOfficer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, officer);
        await page.GotoAsync("/consent");

        var phones = page.GetByLabel("Номера, по одному в строке");
        await phones.FillAsync("привет");
        await page.GetByRole(AriaRole.Button, new() { Name = "Выгрузить доказательства" }).ClickAsync();
        await Assertions.Expect(page.Locator("#bulk-proof-error")).ToHaveTextAsync("Не номер телефона: привет");
        await Assertions.Expect(phones).ToHaveValueAsync("привет");
        await BrowserFixture.ScreenshotAsync(page, "bulk-proof-01-error-inline");

        await phones.FillAsync("8 916 123-45-67\nпривет\n+7 999 000-00-00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Выгрузить доказательства" }).ClickAsync();
        await Assertions.Expect(page.Locator(".proof-contact")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#proof-not-found")).ToContainTextAsync("+7 999 000-00-00");
        await Assertions.Expect(page.Locator("#proof-not-phones")).ToContainTextAsync("привет");
        await Assertions.Expect(page.Locator(".proof-evidence")).ToContainTextAsync("203.0.113.5");
        await BrowserFixture.ScreenshotAsync(page, "bulk-proof-02-document");
    }
}
