using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Requests;

[Collection(AppCollection.Name)]
public sealed class BreachRegisterTests(AppFixture app)
{
    private static readonly TimeZoneInfo _moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    /// <summary>A <c>datetime-local</c> value in the tenant's zone (Moscow by default), <paramref name="hoursAgo"/> before now.</summary>
    private static string LocalInput(double hoursAgo) =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(-hoursAgo), _moscow).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Incident(double detectedHoursAgo, int subjects = 120) => new()
    {
        ["Description"] = "A backup copy of the customer base was left on a public file share.",
        ["DetectedAt"] = LocalInput(detectedHoursAgo),
        ["OccurredAt"] = LocalInput(detectedHoursAgo + 48),
        ["Categories"] = "phone",
        ["SubjectsAffected"] = subjects.ToString(CultureInfo.InvariantCulture),
        ["PresumedCause"] = "Misconfigured share",
        ["Measures"] = "Share closed, links revoked, access logs preserved.",
        ["ContactPerson"] = "Иванова Мария, DPO, +7 495 000-00-00",
    };

    private static async Task<Guid> RecordAsync(UiSession officer, Dictionary<string, string> fields)
    {
        var response = await officer.PostFormAsync("/breaches", fields, tokenFrom: "/breaches/new");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Guid.Parse(response.Headers.Location!.OriginalString["/breaches/".Length..]);
    }

    [Fact]
    public async Task The_dashboard_shows_an_open_incidents_next_clock_until_both_notices_are_sent()
    {
        var tenant = await app.CreateTenantAsync();
        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);

        var id = await RecordAsync(officer, Incident(detectedHoursAgo: 20));

        var dashboard = await officer.Client.GetStringAsync("/");
        Assert.Contains("id=\"breach-reminders\"", dashboard, StringComparison.Ordinal);
        Assert.Contains($"INC-{DateTime.UtcNow.AddHours(-20).Year}-001", dashboard, StringComparison.Ordinal);
        Assert.Contains("data-state=\"duesoon\" data-notice=\"initial\"", dashboard, StringComparison.Ordinal); // about 4 of 24 hours left
        var list = await officer.Client.GetStringAsync("/breaches");
        Assert.Contains("data-state=\"duesoon\" data-notice=\"initial\"", list, StringComparison.Ordinal);
        Assert.Contains("data-state=\"running\" data-notice=\"results\"", list, StringComparison.Ordinal);

        var sent = await officer.PostFormAsync($"/breaches/{id}/notices/initial", new() { ["sentAt"] = "" }, tokenFrom: $"/breaches/{id}");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        dashboard = await officer.Client.GetStringAsync("/");
        Assert.Contains("data-state=\"running\" data-notice=\"results\"", dashboard, StringComparison.Ordinal);
        Assert.DoesNotContain("data-notice=\"initial\"", dashboard, StringComparison.Ordinal);

        await officer.PostFormAsync($"/breaches/{id}/notices/results", new() { ["sentAt"] = LocalInput(0.5) }, tokenFrom: $"/breaches/{id}");
        Assert.DoesNotContain("breach-reminders", await officer.Client.GetStringAsync("/"), StringComparison.Ordinal);
        var stored = await tenant.WithDbAsync(db => db.BreachIncidents.SingleAsync(i => i.Id == id));
        Assert.NotNull(stored.InitialNoticeSentAt);
        Assert.NotNull(stored.ResultsNoticeSentAt);
        Assert.Equal(120, stored.SubjectsAffected);
        Assert.Equal(["phone"], stored.Categories);
    }

    [Fact]
    public async Task An_overdue_notice_is_red_and_only_the_register_keepers_see_the_reminder()
    {
        var tenant = await app.CreateTenantAsync();
        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);
        await RecordAsync(officer, Incident(detectedHoursAgo: 30));

        var dashboard = await officer.Client.GetStringAsync("/");
        Assert.Contains("data-state=\"overdue\" data-notice=\"initial\"", dashboard, StringComparison.Ordinal);
        Assert.Contains("alert-danger", dashboard, StringComparison.Ordinal);
        using var marketer = await tenant.SignInAsync(Role.Marketer);
        Assert.DoesNotContain("breach-reminders", await marketer.Client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_notice_drafts_are_filled_from_the_incident()
    {
        var tenant = await app.CreateTenantAsync("ООО «Ромашка»");
        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);
        var id = await RecordAsync(officer, Incident(detectedHoursAgo: 2, subjects: 4321));

        var initial = await officer.Client.GetStringAsync($"/breaches/{id}/notices/initial");
        Assert.Contains("4321", initial, StringComparison.Ordinal);
        Assert.Contains("Misconfigured share", initial, StringComparison.Ordinal);
        Assert.Contains("Иванова Мария", initial, StringComparison.Ordinal);
        Assert.Contains("ООО «Ромашка»", System.Net.WebUtility.HtmlDecode(initial), StringComparison.Ordinal);
        var results = await officer.Client.GetStringAsync($"/breaches/{id}/notices/results");
        Assert.Contains("id=\"notice-title\"", results, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/breaches/{id}/notices/other")).StatusCode);
        var pdf = await officer.GetAsync($"/breaches/{id}/notices/initial/pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var bytes = await pdf.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.True(bytes.Length > 5000, "fonts embedded");
    }

    [Fact]
    public async Task A_refused_record_names_each_field_and_saves_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);
        var fields = Incident(detectedHoursAgo: 1);
        fields["Description"] = " ";
        fields["DetectedAt"] = LocalInput(-48); // two days ahead
        fields["Categories"] = "passport_scans";

        var refused = await officer.PostFormAsync("/breaches", fields, tokenFrom: "/breaches/new");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Equal(3, html.Split("invalid-feedback", StringSplitOptions.None).Length - 1 + html.Split("text-danger small", StringSplitOptions.None).Length - 1);
        Assert.Equal(0, await tenant.WithDbAsync(db => db.BreachIncidents.CountAsync()));
    }

    [Fact]
    public async Task Another_tenants_incident_is_not_found()
    {
        var owner = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        using var ownerOfficer = await owner.SignInAsync(Role.ComplianceOfficer);
        var id = await RecordAsync(ownerOfficer, Incident(detectedHoursAgo: 1));
        using var stranger = await other.SignInAsync(Role.ComplianceOfficer);

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/breaches/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/breaches/{id}/notices/initial")).StatusCode);
        var mark = await stranger.PostFormAsync($"/breaches/{id}/notices/initial", new() { ["sentAt"] = "" }, tokenFrom: "/breaches/new");
        Assert.Equal(HttpStatusCode.NotFound, mark.StatusCode);
        Assert.Null((await owner.WithDbAsync(db => db.BreachIncidents.SingleAsync(i => i.Id == id))).InitialNoticeSentAt);
    }

    [Fact]
    public async Task The_api_records_an_incident_lists_its_clocks_and_marks_a_notice_sent_for_its_tenant_only()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var detectedAt = DateTimeOffset.UtcNow.AddHours(-30).ToString("O", CultureInfo.InvariantCulture);

        var created = await api.PostAsync("/api/v1/breaches", new StringContent($$"""
            {"description":"Stolen laptop with an export","detectedAt":"{{detectedAt}}","categories":["phone","name"],
             "subjectsAffected":250,"measures":"Disk encryption keys revoked","contactPerson":"DPO"}
            """, Encoding.UTF8, "application/json"));
        var refused = await api.PostAsync("/api/v1/breaches", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var incident = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = incident.GetProperty("id").GetGuid();
        var clocks = incident.GetProperty("clocks");
        Assert.Equal("overdue", clocks[0].GetProperty("state").GetString());
        Assert.Equal("running", clocks[1].GetProperty("state").GetString());
        Assert.InRange(clocks[1].GetProperty("hoursLeft").GetDouble(), 41.9, 42.1);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "description", "detectedAt", "categories", "subjectsAffected", "measures", "contactPerson" })
            Assert.True(errors.TryGetProperty(field, out _), field);

        var sent = await api.PostAsync($"/api/v1/breaches/{id}/notices/initial", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal("sent_late", (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clocks")[0].GetProperty("state").GetString());
        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/breaches");
        Assert.Equal(id, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        using var stranger = other.Api();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/breaches/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/v1/breaches/{id}/notices/results", null)).StatusCode);
        Assert.Empty((await stranger.GetFromJsonAsync<JsonElement>("/api/v1/breaches")).GetProperty("items").EnumerateArray());
    }
}
