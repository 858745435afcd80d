using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Analytics;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Infrastructure.Analytics;
using PhoneCrm.Infrastructure.Messaging.Automations;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Analytics;

/// <summary>
/// api-v1 "Analytics" against hand-computed figures. A campaign (and an automation) goes out for real through the
/// simulator; then the test places its messages ten days back (<see cref="T0"/>) so that an order, a STOP and a complaint
/// can fall inside or outside the 7-day window with timestamps in the past, as providers and shops report them.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class AnalyticsApiTests(AppFixture app)
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-10).AddHours(9);
    private const decimal Price = 3.50m; // Campaigns:PricePerSegment: the tenant never set its own

    [GeneratedRegex(@"/r/(\w+)")]
    private static partial Regex ShortLink();

    private static async Task GrantLongAgoAsync(HttpClient api, string phone)
    {
        var response = await api.PostAsync("/api/v1/consents", Json(new
        {
            phone, purpose = "marketing", channel = "sms", legalBasis = "consent",
            evidence = new { method = "web_form", capturedAt = T0.AddDays(-30), ip = "203.0.113.5", sourceUrl = "https://shop.example/" },
        }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task OrderAsync(HttpClient api, string phone, string id, DateTimeOffset at, decimal amount)
    {
        var response = await api.PostAsync("/api/v1/events", Json(new
        {
            type = "order_placed", externalId = id, phone, occurredAt = at, data = new { orderNumber = id, amount },
        }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> InboundAsync(HttpClient api, string from, string text, DateTimeOffset at)
    {
        var response = await api.PostAsync("/api/v1/sms/inbound", Json(new { from, to = "PhoneCrm", text, receivedAt = at }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task ClickAsync(string text)
    {
        using var anonymous = app.Client();
        var code = ShortLink().Match(text).Groups[1].Value;
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync($"/r/{code}")).StatusCode);
    }

    private static async Task ReceiptAsync(HttpClient api, string providerMessageId, string status)
    {
        var response = await api.PostAsync("/api/v1/sms/status", Json(new { providerMessageId, status }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static void AssertRates(JsonElement stats, decimal? deliveryRate, decimal? readRate, decimal? clickRate, decimal? conversionRate,
        decimal? optOutRate, decimal? complaintRate, decimal? roi)
    {
        decimal? Of(string name) => stats.GetProperty(name).ValueKind == JsonValueKind.Null ? null : stats.GetProperty(name).GetDecimal();
        Assert.Equal((deliveryRate, readRate, clickRate, conversionRate, optOutRate, complaintRate, roi),
            (Of("deliveryRate"), Of("readRate"), Of("clickRate"), Of("conversionRate"), Of("optOutRate"), Of("complaintRate"), Of("roi")));
    }

    private Task<int> StoreClosedFiguresAsync(Guid tenantId) =>
        app.InTenantAsync(tenantId, async sp => (await sp.GetRequiredService<ClosedFiguresJob>().RunTenantAsync(tenantId, CancellationToken.None)).Changed);

    /// <summary>
    /// The page (<see cref="AnalyticsReports.PageAsync"/>: the comparison and the weeks measured by one statement) gives the
    /// row <paramref name="id"/> and the weeks exactly as the comparison and the weeks read alone do, and with the tenant's
    /// only campaign or automation the weeks add up to its row: <paramref name="expected"/>.
    /// </summary>
    private Task AssertPageAsync(Guid tenantId, string id, DateTimeOffset from, CampaignCounts expected) =>
        app.InTenantAsync(tenantId, async sp =>
        {
            var reports = sp.GetRequiredService<AnalyticsReports>();
            var to = DateTimeOffset.UtcNow.AddDays(1);
            var page = await reports.PageAsync(from, to);
            var row = page.Rows.Single(r => r.Id == id);
            Assert.Equal(expected, row.Counts);
            var alone = (await reports.CompareAsync(from, to)).Single(r => r.Id == id);
            Assert.Equal((alone.Name, alone.StartedAt, alone.Counts, alone.Failed), (row.Name, row.StartedAt, row.Counts, row.Failed));
            Assert.Equal(alone.Rates.Flags, row.Rates.Flags);
            IReadOnlyList<string> none = [];
            Assert.Equal(alone.Rates with { Flags = none }, row.Rates with { Flags = none });
            var weeks = await reports.WeeksAsync(from, to);
            Assert.Equal(weeks.Select(w => (w.Monday, w.Counts)), page.Weeks.Select(w => (w.Monday, w.Counts)));
            Assert.Equal(expected, page.Weeks.Aggregate(MeasuredFigures.None, (sum, w) => sum.Plus(new MeasuredFigures(w.Counts, 0))).Counts);
            // What the page shows: the live part measured once and then reused for the same question (the second call).
            for (var i = 0; i < 2; i++)
            {
                var cached = await reports.PageAsync(from, to, cacheLive: true);
                Assert.Equal(expected, cached.Rows.Single(r => r.Id == id).Counts);
                Assert.Equal(page.Weeks.Select(w => (w.Monday, w.Counts)), cached.Weeks.Select(w => (w.Monday, w.Counts)));
            }

            return 0;
        });

    private static long N(JsonElement stats, string name) => stats.GetProperty(name).GetInt64();

    private static string[] Flags(JsonElement stats) => stats.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray();

    [Fact]
    public async Task A_hand_built_campaign_has_every_figure_and_flag_as_computed_by_hand()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);
        // Ten recipients: 0 buys inside the window, 1 buys after it, 2 sends STOP, 3 complains, 4 reads, 5 clicks twice, 0 clicks
        // too, 6 is never delivered; 7–9 do nothing.
        for (var i = 0; i < 10; i++) await GrantLongAgoAsync(api, Phone(i));
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api), "Семена -30%: https://shop.example/seeds Отписка: СТОП");
        await StartAsync(api, campaignId);
        await WaitAsync(api, campaignId);
        var outbox = await Campaigns.CampaignsApiTests.WaitForOutboxAsync(api, campaignId, 10);
        var byPhone = outbox.ToDictionary(m => m.GetProperty("phone").GetString()!);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (N((await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}")).GetProperty("stats"), "delivered") < 10)
        {
            Assert.True(DateTime.UtcNow < deadline, "the simulator did not deliver");
            await Task.Delay(200);
        }

        // Hand-built history: every message sent at T0; recipient 6's delivery failed afterwards (a late provider report
        // the forward-only receipts would refuse, so written directly).
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE sms_messages SET sent_at = {T0}, created_at = {T0} WHERE campaign_id = {Guid.Parse(campaignId)}"));
        var failedId = byPhone[Phone(6)].GetProperty("messageId").GetGuid();
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE sms_messages SET status = 'undelivered' WHERE id = {failedId}"));
        await ReceiptAsync(api, byPhone[Phone(4)].GetProperty("providerMessageId").GetString()!, "read");
        await ClickAsync(byPhone[Phone(5)].GetProperty("text").GetString()!);
        await ClickAsync(byPhone[Phone(5)].GetProperty("text").GetString()!);
        await ClickAsync(byPhone[Phone(0)].GetProperty("text").GetString()!);
        await OrderAsync(api, Phone(0), "o-inside", T0.AddDays(2), 1000m);
        await OrderAsync(api, Phone(1), "o-outside", T0.AddDays(8), 700m);
        await InboundAsync(api, Phone(2), "СТОП", T0.AddDays(1));
        var complaint = await InboundAsync(api, Phone(3), "Хватит мне писать", T0.AddDays(1));
        Assert.False(complaint.GetProperty("duplicate").GetBoolean());
        var complaintId = complaint.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/sms/inbound/{complaintId}/complaint", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/sms/inbound/{complaintId}/complaint", null)).StatusCode); // once

        var campaign = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}");
        var stats = campaign.GetProperty("stats");
        var cost = outbox.Sum(m => m.GetProperty("segments").GetInt32()) * Price;
        Assert.Equal((10L, 9L, 1L, 1L, 2L, 1L, 1L, 1L), (N(stats, "sent"), N(stats, "delivered"), N(stats, "failed"), N(stats, "read"),
            N(stats, "clicks"), N(stats, "conversions"), N(stats, "optOuts"), N(stats, "complaints")));
        Assert.Equal((cost, 1000m), (stats.GetProperty("cost").GetDecimal(), stats.GetProperty("revenue").GetDecimal()));
        // 9/10; 1/9 = 0.1111; 2/9 = 0.2222; 1/9; 1/10; 1/10; (1000 − cost) / cost.
        AssertRates(stats, 0.9m, 0.1111m, 0.2222m, 0.1111m, 0.1m, 0.1m, Math.Round((1000m - cost) / cost, 4));
        Assert.Equal(["lowDeliveryRate", "highOptOutRate", "highComplaintRate"], Flags(stats));
        Assert.Equal(Flags(stats), campaign.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray());

        // The comparison lists it with the same figures.
        var list = await api.GetFromJsonAsync<JsonElement>($"/api/v1/analytics/campaigns?from={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}");
        var row = list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == campaignId);
        Assert.Equal(("campaign", "Семена -30%"), (row.GetProperty("kind").GetString(), row.GetProperty("name").GetString()));
        AssertRates(row.GetProperty("stats"), 0.9m, 0.1111m, 0.2222m, 0.1111m, 0.1m, 0.1m, Math.Round((1000m - cost) / cost, 4));
        Assert.Equal(Flags(stats), Flags(row.GetProperty("stats")));
        var expected = new CampaignCounts(Sent: 10, Delivered: 9, Read: 1, Clicks: 2, Conversions: 1, OptOuts: 1, Complaints: 1, Cost: cost, Revenue: 1000m);
        await AssertPageAsync(tenant.Id, campaignId, T0.AddDays(-1), expected);

        // Once the campaign is finished and its window (7 days + 1 grace day) has closed, the job stores its figures; the
        // API then reads the stored ones, equal to the live ones; a second run stores nothing.
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE campaigns SET completed_at = {T0.AddHours(1)} WHERE id = {Guid.Parse(campaignId)}"));
        Assert.Equal((1, 0), (await StoreClosedFiguresAsync(tenant.Id), await StoreClosedFiguresAsync(tenant.Id)));
        Assert.Equal(1000m, await tenant.WithDbAsync(db => db.ClosedCampaignFigures
            .Where(f => f.CampaignId == Guid.Parse(campaignId) && f.Key == ClosedCampaignFigures.TotalKey).Select(f => f.Revenue).SingleAsync()));
        var stored = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}")).GetProperty("stats");
        Assert.Equal((10L, 9L, 1L, 1L, 2L, 1L, 1L, 1L), (N(stored, "sent"), N(stored, "delivered"), N(stored, "failed"), N(stored, "read"),
            N(stored, "clicks"), N(stored, "conversions"), N(stored, "optOuts"), N(stored, "complaints")));
        Assert.Equal((cost, 1000m), (stored.GetProperty("cost").GetDecimal(), stored.GetProperty("revenue").GetDecimal()));
        AssertRates(stored, 0.9m, 0.1111m, 0.2222m, 0.1111m, 0.1m, 0.1m, Math.Round((1000m - cost) / cost, 4));
        row = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/analytics/campaigns?from={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}"))
            .GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == campaignId);
        AssertRates(row.GetProperty("stats"), 0.9m, 0.1111m, 0.2222m, 0.1111m, 0.1m, 0.1m, Math.Round((1000m - cost) / cost, 4));
        await AssertPageAsync(tenant.Id, campaignId, T0.AddDays(-1), expected); // stored total and days

        // A tenant's own threshold and a longer attribution window change the judgement and the conversions.
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO analytics_settings (tenant_id, attribution_days, min_delivery_rate, max_opt_out_rate, min_roi, max_complaint_rate, min_click_rate, updated_at)
            VALUES ({tenant.Id}, 9, 0.85, 0.5, 0.5, 0.5, 0.02, now())
            """));
        // The stored figures were for 7 days: for 9 the campaign is attributed live again.
        stats = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}")).GetProperty("stats");
        Assert.Equal((2L, 1700m), (N(stats, "conversions"), stats.GetProperty("revenue").GetDecimal()));
        Assert.Empty(Flags(stats));
    }

    [Fact]
    public async Task An_automation_has_its_figures_by_hand_and_another_tenant_sees_none_of_them()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);
        await app.InTenantAsync(tenant.Id, async sp =>
        {
            var settings = sp.GetRequiredService<AutomationSettings>();
            var current = (await settings.GetAsync(AutomationKind.CartAbandoned, CancellationToken.None))!;
            var (_, errors) = await settings.SaveAsync(AutomationKind.CartAbandoned,
                new AutomationInput(true, current.Text, current.FollowUpText, 0, null, "BACK10"), CancellationToken.None);
            Assert.True(errors.IsValid);
            return 0;
        });
        // Four abandoned carts: 0 reads, clicks and buys in the window; 1 buys after it; 2 sends STOP; 3 does nothing.
        for (var i = 0; i < 4; i++)
        {
            await GrantLongAgoAsync(api, Phone(i));
            var cart = await api.PostAsync("/api/v1/events", Json(new
            {
                type = "cart_abandoned", externalId = $"cart-{i}", phone = Phone(i), occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1),
                data = new { cartUrl = $"https://shop.example/cart/{i}" },
            }));
            Assert.True(cart.IsSuccessStatusCode);
        }

        var worker = app.Factory.Services.GetRequiredService<AutomationWorker>();
        var outbox = new List<JsonElement>();
        for (var attempt = 0; attempt < 100 && outbox.Count < 4; attempt++)
        {
            await worker.RunTenantAsync(tenant.Id, CancellationToken.None);
            outbox = (await api.GetFromJsonAsync<JsonElement>("/api/v1/sms/outbox")).GetProperty("items").EnumerateArray().ToList();
            await Task.Delay(100);
        }

        Assert.Equal(4, outbox.Count);
        var byPhone = outbox.ToDictionary(m => m.GetProperty("phone").GetString()!);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (await tenant.WithDbAsync(db => db.SmsMessages.CountAsync(m => m.Status != "delivered")) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the simulator did not deliver");
            await Task.Delay(200);
        }

        await tenant.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE sms_messages SET sent_at = {T0}, created_at = {T0} WHERE kind = 'automation'"));
        await ReceiptAsync(api, byPhone[Phone(0)].GetProperty("providerMessageId").GetString()!, "read");
        await ClickAsync(byPhone[Phone(0)].GetProperty("text").GetString()!);
        await OrderAsync(api, Phone(0), "a-inside", T0.AddDays(3), 2500m);
        await OrderAsync(api, Phone(1), "a-outside", T0.AddDays(9), 800m);
        await InboundAsync(api, Phone(2), "стоп", T0.AddHours(5));

        var automations = await api.GetFromJsonAsync<JsonElement>("/api/v1/automations");
        var item = automations.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("kind").GetString() == "cart_abandoned");
        Assert.True(item.GetProperty("enabled").GetBoolean());
        var id = item.GetProperty("id").GetString();
        var stats = await api.GetFromJsonAsync<JsonElement>($"/api/v1/automations/{id}/stats");
        var cost = outbox.Sum(m => m.GetProperty("segments").GetInt32()) * Price;
        Assert.Equal((4L, 4L, 0L, 1L, 1L, 1L, 1L, 0L), (N(stats, "sent"), N(stats, "delivered"), N(stats, "failed"), N(stats, "read"),
            N(stats, "clicks"), N(stats, "conversions"), N(stats, "optOuts"), N(stats, "complaints")));
        Assert.Equal((cost, 2500m), (stats.GetProperty("cost").GetDecimal(), stats.GetProperty("revenue").GetDecimal()));
        // 4/4; 1/4; 1/4; 1/4; 1/4; 0/4; (2500 − cost) / cost.
        AssertRates(stats, 1m, 0.25m, 0.25m, 0.25m, 0.25m, 0m, Math.Round((2500m - cost) / cost, 4));
        Assert.Equal(["highOptOutRate"], Flags(stats));
        var row = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/analytics/campaigns?from={T0.AddDays(-1):yyyy-MM-dd}"))
            .GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "cart_abandoned");
        Assert.Equal("automation", row.GetProperty("kind").GetString());
        // An automation started when it sent its first message.
        Assert.Equal(T0, row.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(0.25m, row.GetProperty("stats").GetProperty("conversionRate").GetDecimal());
        await AssertPageAsync(tenant.Id, "cart_abandoned", T0.AddDays(-1),
            new CampaignCounts(Sent: 4, Delivered: 4, Read: 1, Clicks: 1, Conversions: 1, OptOuts: 1, Complaints: 0, Cost: cost, Revenue: 2500m));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/v1/automations/no_such_kind/stats")).StatusCode);

        // Another tenant: none of this tenant's ids, and none of its figures.
        var other = await app.CreateTenantAsync();
        using var otherApi = other.Api();
        var stopId = (await tenant.WithDbAsync(db => db.InboundSms.Select(m => m.Id).FirstAsync())).ToString();
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.PostAsync($"/api/v1/sms/inbound/{stopId}/complaint", null)).StatusCode);
        var otherStats = await otherApi.GetFromJsonAsync<JsonElement>($"/api/v1/automations/{id}/stats");
        Assert.Equal((0L, 0L), (N(otherStats, "sent"), N(otherStats, "conversions")));
        Assert.Empty((await otherApi.GetFromJsonAsync<JsonElement>($"/api/v1/analytics/campaigns?from={T0.AddDays(-1):yyyy-MM-dd}"))
            .GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Another_tenants_campaign_is_not_found_and_sources_count_acquired_contacts()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);
        await GrantLongAgoAsync(api, Phone(1));
        await ContactAsync(api, Phone(2));
        await OrderAsync(api, Phone(1), "s-1", DateTimeOffset.UtcNow.AddHours(-1), 400m);
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api));
        var other = await app.CreateTenantAsync();
        using var otherApi = other.Api();
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.GetAsync($"/api/v1/campaigns/{campaignId}")).StatusCode);

        var sources = (await api.GetFromJsonAsync<JsonElement>("/api/v1/analytics/sources")).GetProperty("items").EnumerateArray().ToList();
        var total = (sources.Sum(s => s.GetProperty("contacts").GetInt64()), sources.Sum(s => s.GetProperty("withMarketingConsent").GetInt64()),
            sources.Sum(s => s.GetProperty("buyers").GetInt64()), sources.Sum(s => s.GetProperty("revenue").GetDecimal()));
        Assert.Equal((2L, 1L, 1L, 400m), total);
        Assert.Empty((await otherApi.GetFromJsonAsync<JsonElement>("/api/v1/analytics/sources")).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/v1/analytics/sources?from=yesterday")).StatusCode);
    }
}
