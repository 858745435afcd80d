using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Requests;

/// <summary>The officer's pages: intake by staff, the queue with the overdue first, the menu's count and the dashboard's alarm.</summary>
[Collection(AppCollection.Name)]
public sealed class RequestsPageTests(AppFixture app)
{
    [Fact]
    public async Task Staff_intake_records_who_took_it_and_the_queue_puts_the_overdue_first_with_the_counts_everywhere()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var late = await api.PostAsJsonAsync("/api/v1/subject-requests",
            new { type = "access", phone = "+79161119001", channel = "phone", receivedAt = "2026-06-01T10:00:00+03:00" });
        var lateNumber = (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);

        var bad = await officer.PostFormAsync("/requests", new() { ["Type"] = "access", ["Channel"] = "phone", ["Phone"] = "12" }, tokenFrom: "/requests/new");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var created = await officer.PostFormAsync("/requests", new()
        {
            ["Type"] = "rectify", ["Channel"] = "letter", ["Phone"] = "+7 916 111-90-02", ["FullName"] = "Анна Смирнова", ["ReceivedAt"] = "",
        }, tokenFrom: "/requests/new");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var page = await (await officer.GetAsync(created.Headers.Location!.OriginalString)).Content.ReadAsStringAsync();
        Assert.Contains("Анна Смирнова", page, StringComparison.Ordinal);
        Assert.Contains("compliance", page, StringComparison.OrdinalIgnoreCase); // who took it: the officer's email

        var queue = await (await officer.GetAsync("/requests")).Content.ReadAsStringAsync();
        var lateRow = queue.IndexOf($"data-request=\"{lateNumber}\"", StringComparison.Ordinal);
        Assert.True(lateRow > 0 && lateRow < queue.IndexOf("Анна Смирнова", StringComparison.Ordinal), "the overdue request comes first");
        Assert.Contains("request-overdue", queue, StringComparison.Ordinal);
        Assert.Contains("id=\"overdue-requests-badge\"", queue, StringComparison.Ordinal);
        var dashboard = await (await officer.GetAsync("/")).Content.ReadAsStringAsync();
        Assert.Contains("id=\"request-deadlines\"", dashboard, StringComparison.Ordinal);
        Assert.Contains(lateNumber, dashboard, StringComparison.Ordinal);

        using var marketer = await tenant.SignInAsync(Role.Marketer);
        var marketerHome = await (await marketer.GetAsync("/")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("overdue-requests-badge", marketerHome, StringComparison.Ordinal);
        Assert.DoesNotContain("request-deadlines", marketerHome, StringComparison.Ordinal);
    }
}
