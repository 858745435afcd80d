using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Consent;

/// <summary>The consent tab, staff withdrawal, the Consent page and the consent text settings.</summary>
[Collection(AppCollection.Name)]
public sealed class ConsentUiTests(AppFixture app)
{
    [Fact]
    public async Task Staff_sees_the_consent_on_the_card_and_withdraws_it_audited()
    {
        var tenant = await app.CreateTenantAsync();
        var contactId = await GrantAsync(tenant);
        using var session = await tenant.SignInAsync(Role.ComplianceOfficer);

        var card = await session.Client.GetStringAsync($"/contacts/{contactId}?tab=consents");
        Assert.Contains("consent-state-table", card);
        Assert.Contains("https://shop.example/checkout", card);
        Assert.Contains("withdraw-consent", card);

        var response = await session.PostFormAsync($"/contacts/{contactId}/consents/withdraw",
            new() { ["purpose"] = "marketing", ["channel"] = "sms" }, tokenFrom: $"/contacts/{contactId}?tab=consents");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var state = await tenant.WithDbAsync(db => db.ConsentStates.SingleAsync(s => s.ContactId == contactId));
        Assert.Equal("withdrawn", state.Status);
        var last = await tenant.WithDbAsync(db => db.ConsentRecords.OrderByDescending(r => r.Seq).FirstAsync());
        Assert.Equal(("withdraw", "staff"), (last.Action, last.Method));
        Assert.True(await tenant.WithDbAsync(db => db.AuditLog.AnyAsync(a => a.EntityType == "consent" && a.Details!.StartsWith("staff withdraw"))));
        Assert.DoesNotContain("withdraw-consent", await session.Client.GetStringAsync($"/contacts/{contactId}?tab=consents"));
    }

    [Fact]
    public async Task Consent_page_finds_by_phone_in_any_format_and_shows_the_chain_status()
    {
        var tenant = await app.CreateTenantAsync();
        var contactId = await GrantAsync(tenant);
        using var session = await tenant.SignInAsync(Role.ComplianceOfficer);

        var found = await session.GetAsync("/consent?q=8%20(916)%20123-45-67");
        Assert.Equal($"/contacts/{contactId}?tab=consents", found.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await session.GetAsync("/consent?q=%2B79035550000")).StatusCode);

        var page = await session.Client.GetStringAsync("/consent");
        Assert.Contains("Цепочка целостна", page);
    }

    [Fact]
    public async Task A_consent_text_needs_every_Art_9_part_and_is_stored_with_its_hash()
    {
        var tenant = await app.CreateTenantAsync();
        using var session = await tenant.SignInAsync(Role.Admin);

        var bad = await session.PostFormAsync("/settings/consent/texts",
            new() { ["OperatorName"] = "ООО «Ромашка»", ["PurposeCodes"] = "marketing" }, tokenFrom: "/settings/consent");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var html = System.Net.WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
        Assert.Contains("Обязательно по ч. 4 ст. 9 152-ФЗ: адрес оператора.", html);
        Assert.Contains("порядок отзыва согласия", html);
        Assert.Equal(0, await tenant.WithDbAsync(db => db.ConsentTextVersions.CountAsync()));

        var good = await session.PostFormAsync("/settings/consent/texts", new()
        {
            ["OperatorName"] = "ООО «Ромашка»", ["OperatorAddress"] = "Москва", ["Purposes"] = "реклама", ["DataList"] = "телефон",
            ["ActionsAndMethods"] = "хранение", ["Term"] = "3 года", ["Withdrawal"] = "СТОП", ["Body"] = "Я согласен", ["PurposeCodes"] = "marketing",
        }, tokenFrom: "/settings/consent");
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var version = await tenant.WithDbAsync(db => db.ConsentTextVersions.SingleAsync());
        Assert.Equal(64, version.Hash.Length);
        Assert.Contains(version.Hash, await session.Client.GetStringAsync("/settings/consent"));
    }

    private static async Task<Guid> GrantAsync(TestTenant tenant)
    {
        using var api = tenant.Api();
        var response = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone = "+79161234567", purpose = "marketing", channel = "sms", legalBasis = "consent",
            evidence = new { method = "web_form", ip = "203.0.113.5", sourceUrl = "https://shop.example/checkout" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("contactId").GetGuid();
    }
}
