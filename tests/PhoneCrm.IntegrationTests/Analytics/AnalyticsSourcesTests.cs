using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Analytics;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Analytics;

/// <summary>
/// Issue 15 items 4 and 6 beside the campaign figures: offline tracking numbers attribute callers (hand-computed), the
/// source detail (free text) stays hidden from the Analyst, and staff mark inbox replies as complaints within their reach.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AnalyticsSourcesTests(AppFixture app)
{
    private static async Task<Guid> ContactAsync(HttpClient api, object body)
    {
        var response = await api.PostAsJsonAsync("/api/v1/contacts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task EventAsync(HttpClient api, string type, string id, string phone, DateTimeOffset at, object data)
    {
        var response = await api.PostAsJsonAsync("/api/v1/events", new { type, externalId = id, phone, occurredAt = at, data });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> Html(UiSession session, string path) =>
        WebUtility.HtmlDecode(await session.Client.GetStringAsync(path));

    [Fact]
    public async Task Calls_to_a_tracking_number_attribute_the_caller_and_their_later_orders_to_its_offline_campaign()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        using var marketer = await tenant.SignInAsync(Role.Marketer);
        // Registered as the marketer types them; stored as E.164.
        foreach (var (name, number) in new[] { ("Листовки у метро", "8 (495) 000-11-22"), ("Билборд на МКАД", "+7 495 000-33-44") })
        {
            var added = await marketer.PostFormAsync("/analytics/tracking-numbers", new() { ["name"] = name, ["number"] = number }, tokenFrom: "/analytics");
            Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        }

        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= 4; i++) await ContactAsync(api, new { phone = $"+7916333000{i}" });
        // Caller 1 dials the flyer twice, then orders 1 500; caller 2 dials it after ordering 400 (not brought by the call);
        // caller 3 dials the billboard and orders 700 and 300; caller 4 dials an unregistered number.
        await EventAsync(api, "call_unanswered", "c1-a", "+79163330001", now.AddDays(-5), new { dialledNumber = "+74950001122" });
        await EventAsync(api, "call_unanswered", "c1-b", "+79163330001", now.AddDays(-4), new { dialledNumber = "+74950001122" });
        await EventAsync(api, "order_placed", "o1", "+79163330001", now.AddDays(-3), new { orderNumber = "o1", amount = 1500m });
        await EventAsync(api, "order_placed", "o2", "+79163330002", now.AddDays(-6), new { orderNumber = "o2", amount = 400m });
        await EventAsync(api, "call_unanswered", "c2", "+79163330002", now.AddDays(-2), new { dialledNumber = "+74950001122" });
        await EventAsync(api, "call_unanswered", "c3", "+79163330003", now.AddDays(-5), new { dialledNumber = "+74950003344" });
        await EventAsync(api, "order_placed", "o3", "+79163330003", now.AddDays(-4), new { orderNumber = "o3", amount = 700m });
        await EventAsync(api, "order_placed", "o4", "+79163330003", now.AddDays(-1), new { orderNumber = "o4", amount = 300m });
        await EventAsync(api, "call_unanswered", "c4", "+79163330004", now.AddDays(-5), new { dialledNumber = "+74950009999" });

        var rows = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<TrackingNumbers>().ListAsync(now.AddDays(-30), now.AddMinutes(1)));
        Assert.Equal(
            [("Билборд на МКАД", "+74950003344", 1L, 1L, 1000m), ("Листовки у метро", "+74950001122", 2L, 1L, 1500m)],
            rows.Select(r => (r.Name, r.Number, r.Callers, r.Buyers, r.Revenue)).ToArray());
        // Outside the period nothing was dialled.
        var earlier = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<TrackingNumbers>().ListAsync(now.AddDays(-60), now.AddDays(-30)));
        Assert.All(earlier, r => Assert.Equal((0L, 0L, 0m), (r.Callers, r.Buyers, r.Revenue)));

        var page = await Html(marketer, "/analytics");
        Assert.Contains("Листовки у метро", page, StringComparison.Ordinal);
        var duplicate = await marketer.PostFormAsync("/analytics/tracking-numbers", new() { ["name"] = "Снова", ["number"] = "+74950001122" },
            tokenFrom: "/analytics");
        Assert.Equal(HttpStatusCode.Redirect, duplicate.StatusCode);
        Assert.Equal(2, await tenant.WithDbAsync(db => db.TrackingNumbers.CountAsync()));

        // Another tenant sees none of it.
        var other = await app.CreateTenantAsync();
        Assert.Empty(await app.InTenantAsync(other.Id, sp => sp.GetRequiredService<TrackingNumbers>().ListAsync(now.AddDays(-30), now.AddMinutes(1))));
    }

    [Fact]
    public async Task The_analyst_sees_sources_without_their_free_text_detail_the_marketer_with_it()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await ContactAsync(api, new { phone = "+79163330011", source = new { channel = "store", detail = "Магазин на Тверской, касса 2" } });
        await ContactAsync(api, new { phone = "+79163330012", source = new { channel = "store", detail = "Магазин на Арбате" } });

        using var marketer = await tenant.SignInAsync(Role.Marketer);
        var full = await Html(marketer, "/analytics");
        Assert.Contains("source-detail-column", full, StringComparison.Ordinal);
        Assert.Contains("Магазин на Тверской, касса 2", full, StringComparison.Ordinal);

        using var analyst = await tenant.SignInAsync(Role.Analyst);
        var page = await Html(analyst, "/analytics");
        Assert.Contains("sources-table", page, StringComparison.Ordinal);
        Assert.DoesNotContain("source-detail-column", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Тверской", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Арбате", page, StringComparison.Ordinal);

        // The API likewise: a key that reads contacts in full gets the details; a campaigns-only key (analytics) gets the
        // two stores as one row without them.
        var withDetail = (await api.GetFromJsonAsync<JsonElement>("/api/v1/analytics/sources")).GetProperty("items").EnumerateArray()
            .Where(s => s.GetProperty("channel").GetString() == "store").Select(s => s.GetProperty("detail").GetString()!).Order().ToArray();
        Assert.Equal(["Магазин на Арбате", "Магазин на Тверской, касса 2"], withDetail);
        var issued = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ApiKeyService>().CreateAsync("analytics", [ApiScope.Campaigns], null));
        using var analytics = app.Client(issued.Token);
        var stores = (await analytics.GetFromJsonAsync<JsonElement>("/api/v1/analytics/sources")).GetProperty("items").EnumerateArray()
            .Where(s => s.GetProperty("channel").GetString() == "store").ToList();
        Assert.Equal((2L, JsonValueKind.Null), (stores.Single().GetProperty("contacts").GetInt64(), stores.Single().GetProperty("detail").ValueKind));
    }

    [Fact]
    public async Task Staff_mark_an_inbox_reply_as_a_complaint_within_their_reach_and_the_analyst_cannot()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var own = await ContactAsync(api, new { phone = "+79163330021" });
        await ContactAsync(api, new { phone = "+79163330022" });
        var manager = await tenant.AddUserAsync(Role.SalesManager);
        await tenant.WithDbAsync(async db =>
        {
            (await db.Contacts.SingleAsync(c => c.Id == own)).OwnerId = manager.Id;
            return await db.SaveChangesAsync();
        });
        foreach (var (from, text) in new[] { ("+79163330021", "Хватит присылать рекламу"), ("+79163330022", "Вы мне надоели") })
        {
            var response = await api.PostAsJsonAsync("/api/v1/sms/inbound", new { from, to = "PhoneCrm", text, receivedAt = DateTimeOffset.UtcNow });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var ids = await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().ToDictionaryAsync(m => m.ContactId == own ? "own" : "other", m => m.Id));
        using var marketer = await tenant.SignInAsync(Role.Marketer);
        Assert.Equal(2, CountOf(await Html(marketer, "/inbox"), "mark-complaint"));

        // The SalesManager: their own contact's reply only; another's is not found.
        using var session = app.Session();
        await session.SignInAsync(manager);
        Assert.Equal(HttpStatusCode.NotFound, (await session.PostFormAsync($"/inbox/{ids["other"]}/complaint", [], tokenFrom: "/inbox")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await session.PostFormAsync($"/inbox/{ids["own"]}/complaint", [], tokenFrom: "/inbox")).StatusCode);

        // The Analyst has no inbox and cannot mark anything.
        using var analyst = await tenant.SignInAsync(Role.Analyst);
        var refused = await analyst.PostFormAsync($"/inbox/{ids["other"]}/complaint", [], tokenFrom: "/analytics");
        Assert.False(refused.IsSuccessStatusCode);
        Assert.DoesNotContain("/inbox", refused.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);

        var marked = await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.ComplaintAt));
        Assert.NotNull(marked[ids["own"]]);
        Assert.Null(marked[ids["other"]]);
        var inbox = await Html(marketer, "/inbox");
        Assert.Equal((1, 1), (CountOf(inbox, "complaint-badge"), CountOf(inbox, "mark-complaint")));
        Assert.True(await tenant.WithDbAsync(db => db.AuditLog.AnyAsync(a => a.EntityIds == ids["own"].ToString() && a.Details == "inbox; complaint")));
    }

    private static int CountOf(string html, string cssClass) =>
        System.Text.RegularExpressions.Regex.Count(html, $@"class=""[^""]*\b{cssClass}\b");
}
