using System.Text.RegularExpressions;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Messaging;

namespace PhoneCrm.BrowserTests.Consent;

/// <summary>The compliance officer opens, from a message row of the card, the consent that allowed the message; then the person's access report.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MessageProofFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task The_officer_opens_the_proof_of_a_message_from_the_card_in_one_click_and_the_access_report()
    {
        const string phone = "+79165550101";
        var tenant = await app.CreateTenantAsync("Сад и огород");
        Guid contactId;
        using (var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
            await api.PostAsJsonAsync("/api/v1/contacts", new { phone, firstName = "Мария", city = "Тула" });
            var granted = await api.PostAsJsonAsync("/api/v1/consents", new
            {
                phone, purpose = "marketing", channel = "sms", legalBasis = "consent",
                evidence = new { method = "web_form", ip = "203.0.113.7", sourceUrl = "https://sad.example/podpiska" },
            });
            Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
            contactId = (await granted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contactId").GetGuid();
        }

        var message = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<SmsOutbox>().QueueAsync(new OutgoingSms(contactId, phone,
            "Мария, рассада томатов со скидкой 20%. Отписка: СТОП", "marketing", SmsCategories.Promotional, SmsKinds.Campaign, "browser:proof:1"),
            CancellationToken.None));
        Assert.NotNull(message.ConsentRecordId);

        var officer = await tenant.AddUserAsync(Role.ComplianceOfficer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, officer);
        await page.GotoAsync($"/contacts/{contactId}?tab=messages");
        var row = page.Locator("#contact-messages .message-row").First;
        await Assertions.Expect(row).ToContainTextAsync("рассада томатов");
        await BrowserFixture.ScreenshotAsync(page, "message-proof-01-card-messages");

        await row.GetByRole(AriaRole.Link, new() { Name = "Доказательство" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Согласие, на котором основано сообщение");
        await Assertions.Expect(page.Locator("#message-proof-record")).ToHaveTextAsync(message.ConsentRecordId!.Value.ToString());
        await Assertions.Expect(page.Locator("#message-proof-basis")).ToHaveAttributeAsync("data-basis", "ledger_record");
        await Assertions.Expect(page.Locator("#message-proof-chain")).ToContainTextAsync("Цепочка целостна");
        await Assertions.Expect(page.GetByText("203.0.113.7")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "message-proof-02-proof");

        await page.GotoAsync($"/contacts/{contactId}");
        await page.Locator("#open-access-report").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/requests/access-report/{contactId}$"));
        await Assertions.Expect(page.Locator("#access-report-pdf")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#access-report-subject")).ToContainTextAsync("Мария");
        await Assertions.Expect(page.Locator(".access-report-purpose[data-purpose='marketing']")).ToHaveAttributeAsync("data-status", "active");
        await BrowserFixture.ScreenshotAsync(page, "message-proof-03-access-report");
    }
}
