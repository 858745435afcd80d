using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.IntegrationTests.Consent;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.BrowserTests.Consent;

[Collection(BrowserCollection.Name)]
public sealed class CaptureFormFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task Visitor_fills_the_hosted_form_confirms_the_sms_code_and_the_officer_finds_the_evidence_and_the_proof()
    {
        var tenant = await app.CreateTenantAsync("Сад и огород");
        var form = await CaptureFormTests.CreateFormAsync(tenant);

        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync($"/f/{tenant.Id}/{form.Key}?src=https%3A%2F%2Fshop.example%2Flanding");
        var marketing = visitor.Locator("#purpose-marketing");
        var surveys = visitor.Locator("#purpose-surveys");
        await Assertions.Expect(marketing).Not.ToBeCheckedAsync();
        await Assertions.Expect(surveys).Not.ToBeCheckedAsync();
        await Assertions.Expect(visitor.Locator(".consent-option[data-purpose=marketing]")).ToContainTextAsync("ООО «Ромашка»");
        await Assertions.Expect(visitor.Locator("#privacy-link")).ToHaveAttributeAsync("href", "https://shop.example/privacy");

        await visitor.GetByLabel("Ваше имя").FillAsync("Анна");
        var phone = visitor.GetByLabel("Номер телефона");
        await Assertions.Expect(phone).ToHaveAttributeAsync("type", "tel");
        await phone.PressSequentiallyAsync("89161234567");
        await Assertions.Expect(phone).ToHaveValueAsync("+7 (916) 123-45-67");
        await BrowserFixture.ScreenshotAsync(visitor, "form-01-empty-boxes");

        // Nothing ticked: refused with the reason, nothing recorded.
        await visitor.Locator("#capture-submit").ClickAsync();
        await Assertions.Expect(visitor.Locator("#purposes-error")).ToContainTextAsync("Отметьте хотя бы одно согласие");

        await visitor.Locator("#purpose-marketing").CheckAsync();
        await visitor.Locator("#purpose-surveys").CheckAsync();
        await BrowserFixture.ScreenshotAsync(visitor, "form-02-ticked");
        await visitor.Locator("#capture-submit").ClickAsync();
        await Assertions.Expect(visitor.Locator("#capture-accepted")).ToContainTextAsync("Спасибо, ваш номер принят");
        await BrowserFixture.ScreenshotAsync(visitor, "form-03-code-asked");

        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
        var code = await CaptureFormTests.LastCodeAsync(tenant, "+79161234567", api);
        Assert.Matches("^[0-9]{6}$", code);
        await visitor.GetByLabel("Код из SMS").FillAsync(code);
        await visitor.Locator("#code-submit").ClickAsync();
        await Assertions.Expect(visitor.Locator("#capture-thanks")).ToContainTextAsync("Спасибо! Мы на связи.");
        await Assertions.Expect(visitor.Locator("#capture-granted")).ToContainTextAsync("Маркетинг");
        await BrowserFixture.ScreenshotAsync(visitor, "form-04-confirmed");

        var officer = await tenant.AddUserAsync(Role.ComplianceOfficer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, officer);

        await page.GotoAsync("/consent");
        await page.GetByLabel("Найти согласия контакта по телефону").FillAsync("+7 916 123-45-67");
        await page.GetByRole(AriaRole.Button, new() { Name = "Найти" }).ClickAsync();
        var states = page.Locator("#consent-state-table .consent-state");
        await Assertions.Expect(states).ToHaveCountAsync(2);
        var evidence = page.Locator("#consent-history-table .consent-evidence");
        await Assertions.Expect(evidence.First).ToContainTextAsync("Код из SMS");
        await Assertions.Expect(evidence.First).ToContainTextAsync("https://shop.example/landing");
        await Assertions.Expect(evidence.First).ToContainTextAsync($"{form.Key}@v1");
        // Nothing is granted before the code: every ticked purpose is proven by it (issue 12 item 4).
        await Assertions.Expect(evidence.Nth(1)).ToContainTextAsync("Код из SMS");
        await BrowserFixture.ScreenshotAsync(page, "form-05-card-evidence");

        var proofPage = await page.Context.RunAndWaitForPageAsync(() => page.Locator("#consent-proof-html").ClickAsync());
        await proofPage.WaitForLoadStateAsync();
        await Assertions.Expect(proofPage.Locator("h1")).ToHaveTextAsync("Доказательство согласия");
        await Assertions.Expect(proofPage.Locator("#proof-chain")).ToContainTextAsync("Цепочка целостна");
        await Assertions.Expect(proofPage.Locator(".proof-record")).ToHaveCountAsync(2);
        await Assertions.Expect(proofPage.Locator(".proof-evidence").Last).ToContainTextAsync("Код из SMS");
        await Assertions.Expect(proofPage.Locator(".proof-text").First).ToContainTextAsync("ООО «Ромашка»");
        await Assertions.Expect(proofPage.Locator(".text-body").First).ToContainTextAsync("Я согласен получать рекламу и опросы по SMS");
        await BrowserFixture.ScreenshotAsync(proofPage, "form-06-printed-proof");

        // The same proof as PDF, kept beside the screenshots for review.
        var contactId = page.Url.Split("/contacts/")[1].Split('?')[0];
        var pdf = await page.APIRequest.GetAsync($"/consent/proof/{contactId}/pdf");
        Assert.Equal("application/pdf", pdf.Headers["content-type"]);
        var bytes = await pdf.BodyAsync();
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(bytes, 0, 5));
        await File.WriteAllBytesAsync(Path.Combine(BrowserFixture.ScreenshotDir, "form-07-proof.pdf"), bytes);
    }

    [Fact]
    public async Task Admin_sees_purposes_and_the_form_snippet_and_the_person_withdraws_by_signed_link()
    {
        var tenant = await app.CreateTenantAsync("Сад и огород");
        var form = await CaptureFormTests.CreateFormAsync(tenant);
        var admin = await tenant.AddUserAsync(Role.Admin);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, admin);

        await page.GotoAsync("/settings/consent");
        await page.Locator("#np-code").FillAsync("loyalty_club");
        await page.Locator("#np-name").FillAsync("Клуб лояльности");
        await page.Locator("#np-days").FillAsync("90");
        await page.Locator("#add-purpose").ClickAsync();
        await Assertions.Expect(page.Locator(".purpose-row[data-purpose=loyalty_club]")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "form-08-purposes");

        await page.GotoAsync($"/settings/consent/forms/{form.Id}");
        await Assertions.Expect(page.Locator("#snippet-iframe")).ToContainTextAsync($"/f/{tenant.Id}/{form.Key}");
        await BrowserFixture.ScreenshotAsync(page, "form-09-form-editor");

        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
        var granted = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone = "+79161234567", purpose = "marketing", channel = "sms", legalBasis = "consent", evidence = new { method = "web_form" },
        });
        var contactId = (await granted.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("contactId").GetGuid();
        var link = await app.InTenantAsync(tenant.Id, sp =>
            Task.FromResult(sp.GetRequiredService<PreferenceLinks>().LinkFor(contactId, app.BaseUrl)));

        var person = await app.NewPageAsync();
        await person.GotoAsync(link);
        await Assertions.Expect(person.Locator(".pref-consent")).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(person, "form-10-preferences");
        await person.Locator(".pref-consent[data-purpose=marketing] button").ClickAsync();
        await Assertions.Expect(person.Locator("#pref-flash")).ToContainTextAsync("согласие отозвано");
        await Assertions.Expect(person.Locator("#pref-none")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(person, "form-11-withdrawn");
    }
}
