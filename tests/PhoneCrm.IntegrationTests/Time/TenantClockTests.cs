using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Time;

/// <summary>Pages show and forms read instants on the tenant's clock (its sending settings' zone), and name the zone.</summary>
[Collection(AppCollection.Name)]
public sealed class TenantClockTests(AppFixture app)
{
    private static readonly CultureInfo _russian = new("ru-RU");

    [Theory]
    [InlineData("Europe/Moscow", "Время: Москва (UTC+03:00)")]
    [InlineData("Asia/Vladivostok", "Время: Владивосток (UTC+10:00)")]
    public async Task A_send_time_typed_in_the_form_is_the_tenants_local_time_and_is_shown_back_as_typed(string zoneId, string zoneLabel)
    {
        var (tenant, zone) = await TenantInAsync(zoneId);
        var segment = await SegmentAllAsync(tenant.Api());
        using var marketer = await tenant.SignInAsync(Role.Marketer);
        var tomorrow = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime).AddDays(1);
        var typed = $"{tomorrow:yyyy-MM-dd}T10:00";

        var created = await marketer.PostFormAsync("/campaigns/create", CampaignForm(segment, typed), tokenFrom: "/campaigns/new");

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var id = created.Headers.Location!.OriginalString["/campaigns/".Length..];
        var stored = (await tenant.Api().GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}")).GetProperty("sendAt").GetDateTimeOffset();
        // 10:00 in Moscow is 07:00Z, in Vladivostok 00:00Z (neither zone keeps summer time).
        Assert.Equal(tomorrow.ToDateTime(new TimeOnly(10, 0)) - zone.BaseUtcOffset, stored.UtcDateTime);

        var page = WebUtility.HtmlDecode(await marketer.Client.GetStringAsync($"/campaigns/{id}"));
        Assert.Contains(tomorrow.ToDateTime(new TimeOnly(10, 0)).ToString("g", _russian), page, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(page, zoneLabel));
    }

    [Theory]
    [InlineData("Europe/Moscow")]
    [InlineData("Asia/Vladivostok")]
    public async Task A_send_time_already_past_on_the_tenants_clock_is_refused_on_the_form(string zoneId)
    {
        var (tenant, zone) = await TenantInAsync(zoneId);
        var segment = await SegmentAllAsync(tenant.Api());
        using var marketer = await tenant.SignInAsync(Role.Marketer);
        // An hour ago on the tenant's clock: in UTC terms it would still be hours ahead (UTC+3 and UTC+10).
        var hourAgo = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(-1), zone).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

        var refused = await marketer.PostFormAsync("/campaigns/create", CampaignForm(segment, hourAgo), tokenFrom: "/campaigns/new");

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("id=\"sendAt-error\">Время отправки уже прошло.", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{hourAgo}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Утренняя рассылка", await marketer.Client.GetStringAsync("/campaigns"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Europe/Moscow", "Время: Москва (UTC+03:00)")]
    [InlineData("Asia/Vladivostok", "Время: Владивосток (UTC+10:00)")]
    public async Task The_contacts_list_and_the_audit_log_show_local_times_and_name_the_zone_once(string zoneId, string zoneLabel)
    {
        var (tenant, zone) = await TenantInAsync(zoneId);
        var response = await tenant.Api().PostAsync("/api/v1/contacts", Json(new { phone = Phone(4242), firstName = "Анна" }));
        var createdAt = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("createdAt").GetDateTimeOffset();
        using var admin = await tenant.SignInAsync(Role.Admin);

        var contacts = WebUtility.HtmlDecode(await admin.Client.GetStringAsync("/contacts"));
        Assert.Contains(TimeZoneInfo.ConvertTime(createdAt, zone).ToString("g", _russian), contacts, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(contacts, zoneLabel));

        // The audit log's day filter is in local days too: the sign-in just now is "today" on the tenant's clock.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);
        var todays = WebUtility.HtmlDecode(await officer.Client.GetStringAsync($"/audit?action=auth.sign_in&from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}"));
        Assert.Contains(">вход</span>", todays, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(todays, zoneLabel));
        var yesterday = today.AddDays(-1);
        var yesterdays = await officer.Client.GetStringAsync($"/audit?action=auth.sign_in&from={yesterday:yyyy-MM-dd}&to={yesterday:yyyy-MM-dd}");
        Assert.DoesNotContain(">вход</span>", yesterdays, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Europe/Moscow", "2026-12-01", "2026-12-01 18:30:00 UTC+03:00")]
    [InlineData("Asia/Vladivostok", "2026-12-02", "2026-12-02 01:30:00 UTC+10:00")]
    public async Task The_bulk_proof_takes_local_days_and_stamps_evidence_in_local_time(string zoneId, string localDay, string stamp)
    {
        var (tenant, _) = await TenantInAsync(zoneId);
        var phone = Phone(5150);
        var granted = await tenant.Api().PostAsync("/api/v1/consents", Json(new
        {
            phone, purpose = "marketing", channel = "sms", legalBasis = "consent",
            evidence = new { method = "web_form", capturedAt = DateTimeOffset.Parse("2026-12-01T15:30:00Z", CultureInfo.InvariantCulture), ip = "203.0.113.5" },
        }));
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);

        // 15:30Z on December 1 is still December 1 in Moscow, already December 2 in Vladivostok.
        var proof = await officer.PostFormAsync("/consent/proofs", new() { ["From"] = localDay, ["To"] = localDay, ["Format"] = "html" }, tokenFrom: "/consent");
        Assert.Equal(HttpStatusCode.OK, proof.StatusCode);
        var html = WebUtility.HtmlDecode(await proof.Content.ReadAsStringAsync());
        Assert.Contains("class=\"proof-contact\"", html, StringComparison.Ordinal);
        Assert.Contains(stamp, html, StringComparison.Ordinal);
        var otherDay = DateOnly.Parse(localDay, CultureInfo.InvariantCulture).AddDays(zoneId == "Europe/Moscow" ? 1 : -1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var none = await officer.PostFormAsync("/consent/proofs", new() { ["From"] = otherDay, ["To"] = otherDay, ["Format"] = "html" }, tokenFrom: "/consent");
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.DoesNotContain("class=\"proof-contact\"", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<(TestTenant Tenant, TimeZoneInfo Zone)> TenantInAsync(string zoneId)
    {
        var tenant = await app.CreateTenantAsync();
        var body = $$$"""
            {"timeZone":"{{{zoneId}}}","marketingWindow":{"from":"00:00","to":"00:00","days":["mon","tue","wed","thu","fri","sat","sun"]},
             "caps":{"perDay":2,"informationalPerWeek":2,"promotionalPerMonth":2}}
            """;
        var saved = await tenant.Api().PutAsync("/api/v1/settings/sending", Json(body));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        return (tenant, TimeZoneInfo.FindSystemTimeZoneById(zoneId));
    }

    private static Dictionary<string, string> CampaignForm(string segmentId, string sendAt) => new()
    {
        ["name"] = "Утренняя рассылка", ["segmentId"] = segmentId, ["purpose"] = "marketing", ["category"] = "promotional",
        ["text"] = Promo, ["sendAt"] = sendAt,
    };

    private static int Occurrences(string text, string value) =>
        (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
