using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Requests;

/// <summary>The access report of a person: two consents, a withdrawal and a message sent through the simulator, read back field by field.</summary>
[Collection(AppCollection.Name)]
public sealed class AccessReportTests(AppFixture app)
{
    [Fact]
    public async Task The_report_holds_the_fields_consents_purposes_sources_recipients_and_counts_known_by_hand()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);
        var phone = Phone(1);
        var contactId = Guid.Parse(await ContactAsync(api, phone, "Анна", "Москва"));
        await GrantAsync(api, phone);
        await GrantAsync(api, phone, purpose: "surveys");
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api));
        await StartAsync(api, campaignId);
        await WaitAsync(api, campaignId);
        await WithdrawAsync(api, phone);

        var report = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<AccessReports>().BuildAsync(contactId, CancellationToken.None));

        Assert.True(report.Held);
        Assert.Equal(contactId, report.ContactId);
        var s = report.Subject!;
        Assert.Equal((phone, "Анна", "Москва", "active"), (s.Phone, s.FirstName, s.City, s.Status));
        Assert.Equal(["grant:marketing", "grant:surveys", "withdraw:marketing"], report.Consents.Select(c => $"{c.Action}:{c.Purpose}"));
        Assert.All(report.Consents, c => Assert.Equal("sms", c.Channel));
        var firstGrant = report.Consents[0];
        Assert.Equal(("web_form", "203.0.113.5", "https://shop.example/checkout"),
            (firstGrant.Evidence.Method, firstGrant.Evidence.Ip, firstGrant.Evidence.SourceUrl));
        Assert.Equal(["consent"], report.LegalBases);

        var marketing = report.Purposes.Single(p => p.Purpose == "marketing");
        Assert.Equal("withdrawn", marketing.Status);
        Assert.Equal(firstGrant.Evidence.CapturedAt, marketing.Since);
        Assert.Equal(report.Consents[2].Evidence.CapturedAt, marketing.WithdrawnAt);
        Assert.Equal((30, marketing.WithdrawnAt!.Value.AddDays(30)), (marketing.DestructionDays, marketing.RetainedUntil!.Value));
        var surveys = report.Purposes.Single(p => p.Purpose == "surveys");
        Assert.Equal(("active", 3 * 365, (DateTimeOffset?)null), (surveys.Status, surveys.ValidityDays, surveys.RetainedUntil));

        Assert.Equal(("contact", "api"), (report.Sources[0].Kind, report.Sources[0].Channel));
        Assert.Contains(report.Sources, x => x is { Kind: "consent", Channel: "web_form", Detail: "https://shop.example/checkout" });
        var provider = Assert.Single(report.Recipients.SmsProviders);
        Assert.Equal((SmsProviderNames.Simulator, 1), (provider.Name, provider.Count));
        Assert.Empty(report.Recipients.AdPlatforms);
        Assert.Equal(new AccessReportCounts(1, 0, 0, 0, 0), report.Counts);
        Assert.Equal(firstGrant.Evidence.CapturedAt, report.HeldSince);

        var audited = await tenant.WithDbAsync(db => db.AuditLog.CountAsync(a => a.EntityType == AccessReports.AuditEntity && a.EntityIds == contactId.ToString()));
        Assert.Equal(1, audited);
    }

    [Fact]
    public async Task The_api_page_and_pdf_answer_for_the_tenants_contact_and_404_for_another_tenants_or_an_unknown_one()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await GrantAsync(api, Phone(2));
        var contactId = (await tenant.WithDbAsync(db => db.Contacts.Select(c => c.Id).ToListAsync())).Single();

        var json = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{contactId}/access-report");
        Assert.True(json.GetProperty("held").GetBoolean());
        Assert.Equal(Phone(2), json.GetProperty("subject").GetProperty("phone").GetString());
        Assert.Equal("grant", json.GetProperty("consents")[0].GetProperty("action").GetString());
        Assert.Equal(JsonValueKind.Array, json.GetProperty("recipients").GetProperty("adPlatforms").ValueKind);

        using var otherApi = other.Api();
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.GetAsync($"/api/v1/contacts/{contactId}/access-report")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/contacts/{Guid.NewGuid()}/access-report")).StatusCode);
        var nothing = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<AccessReports>().BuildAsync(Guid.NewGuid(), CancellationToken.None));
        Assert.Equal((false, 0, 0), (nothing.Held, nothing.Consents.Count, nothing.Counts.MessagesSent));

        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);
        var card = await officer.Client.GetStringAsync($"/contacts/{contactId}");
        Assert.Contains($"/requests/access-report/{contactId}", card);
        var page = WebUtility.HtmlDecode(await officer.Client.GetStringAsync($"/requests/access-report/{contactId}"));
        Assert.Contains(Phone(2), page);
        Assert.Contains("https://shop.example/checkout", page);
        var pdf = await officer.GetAsync($"/requests/access-report/{contactId}/pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync())[..5]));
        using var otherOfficer = await other.SignInAsync(Role.ComplianceOfficer);
        Assert.Equal(HttpStatusCode.NotFound, (await otherOfficer.GetAsync($"/requests/access-report/{contactId}")).StatusCode);
    }
}
