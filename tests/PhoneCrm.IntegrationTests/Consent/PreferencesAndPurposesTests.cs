using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Consent;

/// <summary>The public preferences page by signed link, and custom purposes in Consent settings.</summary>
[Collection(AppCollection.Name)]
public sealed class PreferencesAndPurposesTests(AppFixture app)
{
    [Fact]
    public async Task The_signed_link_withdraws_at_once_with_web_link_evidence_and_sets_a_lower_frequency()
    {
        var tenant = await app.CreateTenantAsync();
        var contactId = await GrantAsync(tenant, "marketing");
        await GrantAsync(tenant, "surveys");
        var link = await app.InTenantAsync(tenant.Id, sp => Task.FromResult(sp.GetRequiredService<PreferenceLinks>().LinkFor(contactId, "https://crm.example")));
        Assert.StartsWith("https://crm.example/p/", link);
        var path = new Uri(link).AbsolutePath;

        using var visitor = app.Session();
        visitor.Client.DefaultRequestHeaders.Add(TestClientIpFilter.Header, "203.0.113.77");
        var page = WebUtility.HtmlDecode(await visitor.Client.GetStringAsync(path));
        Assert.Contains("+7 (916) ***-**-67", page);
        Assert.Contains("data-purpose=\"marketing\"", page);

        var withdraw = await visitor.PostFormAsync(path + "/withdraw", new() { ["purpose"] = "marketing", ["channel"] = "sms" }, tokenFrom: path);
        Assert.Equal(HttpStatusCode.Redirect, withdraw.StatusCode);
        var state = await tenant.WithDbAsync(db => db.ConsentStates.SingleAsync(s => s.Purpose == "marketing"));
        Assert.Equal("withdrawn", state.Status);
        var record = await tenant.WithDbAsync(db => db.ConsentRecords.OrderByDescending(r => r.Seq).FirstAsync());
        Assert.Equal(("withdraw", "web_link", "marketing"), (record.Action, record.Method, record.Purpose));
        Assert.DoesNotContain(path.Split('/').Last(), record.SourceUrl ?? "");
        Assert.Equal("active", (await tenant.WithDbAsync(db => db.ConsentStates.SingleAsync(s => s.Purpose == "surveys"))).Status);

        var frequency = await visitor.PostFormAsync(path + "/frequency", new() { ["frequency"] = "monthly" }, tokenFrom: path);
        Assert.Equal(HttpStatusCode.Redirect, frequency.StatusCode);
        Assert.Equal("monthly", await tenant.WithDbAsync(db => db.Contacts.Where(c => c.Id == contactId).Select(c => c.MarketingFrequency).SingleAsync()));
        var junk = await visitor.PostFormAsync(path + "/frequency", new() { ["frequency"] = "hourly" }, tokenFrom: path);
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);

        var tampered = path[..^3] + (path.EndsWith("AAA", StringComparison.Ordinal) ? "BBB" : "AAA");
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(tampered)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("/p/not-a-token")).StatusCode);
        Assert.True(await tenant.WithDbAsync(db => db.AuditLog.AnyAsync(a => a.Details!.StartsWith("withdraw by signed link"))));
    }

    [Fact]
    public async Task Admin_adds_edits_and_deletes_custom_purposes_but_never_built_ins()
    {
        var tenant = await app.CreateTenantAsync();
        using var admin = await tenant.SignInAsync(Role.Admin);

        var bad = await admin.PostFormAsync("/settings/consent/purposes",
            new() { ["Code"] = "Bad Code", ["Name"] = "x", ["AllowedBases"] = "consent" }, tokenFrom: "/settings/consent");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("строчных латинских букв", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()));

        var created = await admin.PostFormAsync("/settings/consent/purposes",
            new() { ["Code"] = "loyalty_club", ["Name"] = "Клуб лояльности", ["ValidityDays"] = "30", ["AllowedBases"] = "consent" }, tokenFrom: "/settings/consent");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var purpose = await tenant.WithDbAsync(db => db.ConsentPurposes.SingleAsync(p => p.Code == "loyalty_club"));
        Assert.Equal((30, false), (purpose.ValidityDays!.Value, purpose.BuiltIn));

        using (var api = tenant.Api())
        {
            var refused = await api.PostAsJsonAsync("/api/v1/consents", new
            {
                phone = "+79161234567", purpose = "loyalty_club", channel = "sms", legalBasis = "contract", evidence = new { method = "api" },
            });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        var marketingContract = await admin.PostFormAsync("/settings/consent/purposes/marketing",
            new() { ["ValidityDays"] = "365", ["AllowedBases"] = "contract" }, tokenFrom: "/settings/consent");
        Assert.Equal(HttpStatusCode.BadRequest, marketingContract.StatusCode);
        var marketingTerm = await admin.PostFormAsync("/settings/consent/purposes/marketing",
            new() { ["ValidityDays"] = "730", ["AllowedBases"] = "consent" }, tokenFrom: "/settings/consent");
        Assert.Equal(HttpStatusCode.Redirect, marketingTerm.StatusCode);
        Assert.Equal(730, await tenant.WithDbAsync(db => db.ConsentPurposes.Where(p => p.Code == "marketing").Select(p => p.ValidityDays).SingleAsync()));

        var builtIn = await admin.PostFormAsync("/settings/consent/purposes/marketing/delete", new(), tokenFrom: "/settings/consent");
        Assert.Equal(HttpStatusCode.Conflict, builtIn.StatusCode);
        Assert.Contains("Встроенные цели удалять нельзя", WebUtility.HtmlDecode(await builtIn.Content.ReadAsStringAsync()));

        var deleted = await admin.PostFormAsync("/settings/consent/purposes/loyalty_club/delete", new(), tokenFrom: "/settings/consent");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.False(await tenant.WithDbAsync(db => db.ConsentPurposes.AnyAsync(p => p.Code == "loyalty_club")));
    }

    private static async Task<Guid> GrantAsync(TestTenant tenant, string purpose)
    {
        using var api = tenant.Api();
        var response = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone = "+79161234567", purpose, channel = "sms", legalBasis = "consent", evidence = new { method = "web_form" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contactId").GetGuid();
    }
}
