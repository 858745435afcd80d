using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Infrastructure.Events;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Segments;

/// <summary>The Events section of api-v1.md: validation, idempotency, contact creation and computed attributes.</summary>
[Collection(AppCollection.Name)]
public sealed class EventsApiTests(AppFixture app)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Order(string externalId, string phone, string at, decimal amount, string category) => $$$"""
        {"type":"order_placed","externalId":"{{{externalId}}}","phone":"{{{phone}}}","occurredAt":"{{{at}}}",
         "data":{"orderId":"{{{externalId}}}","amount":{{{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"currency":"RUB",
                 "items":[{"sku":"S","name":"Семена","category":"{{{category}}}","price":{{{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"quantity":1}]}}
        """;

    [Fact]
    public async Task Same_external_id_is_200_with_the_first_id_and_nothing_duplicated()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var body = Order("order-1001-placed", "+79161234567", "2026-11-20T12:00:00Z", 4990m, "garden");

        var first = await api.PostAsync("/api/v1/events", Json(body));
        var again = await api.PostAsync("/api/v1/events", Json(body));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.Equal(1, await tenant.WithDbAsync(db => db.ContactEvents.CountAsync()));
        var stats = await tenant.WithDbAsync(db => db.Contacts.AsNoTracking().Select(c => c.Stats).SingleAsync());
        Assert.Equal(1, stats.OrdersCount);
        Assert.Equal(4990m, stats.TotalSpent);
    }

    [Fact]
    public async Task Same_external_id_with_another_body_is_409()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await api.PostAsync("/api/v1/events", Json(Order("o-1", "+79161234567", "2026-11-20T12:00:00Z", 100m, "garden")));

        var response = await api.PostAsync("/api/v1/events", Json(Order("o-1", "+79161234567", "2026-11-20T12:00:00Z", 999m, "garden")));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(100m, await tenant.WithDbAsync(db => db.Contacts.Select(c => c.Stats.TotalSpent).SingleAsync()));
    }

    [Fact]
    public async Task Concurrent_duplicates_record_one_event()
    {
        var tenant = await app.CreateTenantAsync();
        await tenant.Api().PostAsJsonAsync("/api/v1/contacts", new { phone = "+79161234567" });
        var body = Order("race-1", "+79161234567", "2026-11-20T12:00:00Z", 10m, "garden");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var api = tenant.Api();
            return await api.PostAsync("/api/v1/events", Json(body));
        }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, r.StatusCode.ToString()));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await tenant.WithDbAsync(db => db.ContactEvents.CountAsync()));
        Assert.Equal(1, await tenant.WithDbAsync(db => db.Contacts.Select(c => c.Stats.OrdersCount).SingleAsync()));
    }

    [Theory]
    [InlineData("""{"type":"teleported","externalId":"x","phone":"+79161234567"}""", "type")]
    [InlineData("""{"type":"custom","externalId":"x","phone":"junk"}""", "phone")]
    [InlineData("""{"type":"custom","phone":"+79161234567"}""", "externalId")]
    [InlineData("""{"type":"order_placed","externalId":"x","phone":"+79161234567","data":{"amount":"lots"}}""", "data.amount")]
    public async Task Invalid_events_are_400_with_the_field(string json, string field)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsync("/api/v1/events", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(0, await tenant.WithDbAsync(db => db.Contacts.CountAsync()));
    }

    [Theory]
    [InlineData("order_placed", "web_shop")]
    [InlineData("appointment_booked", "api")]
    public async Task An_event_for_a_new_phone_creates_the_contact_with_the_event_source(string type, string source)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsync("/api/v1/events",
            Json($$$"""{"type":"{{{type}}}","externalId":"e-1","phone":"8 (916) 555-44-33","occurredAt":"2026-11-20T12:00:00+03:00","data":{}}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var contacts = await api.GetFromJsonAsync<JsonElement>("/api/v1/contacts?phone=%2B79165554433");
        var contact = Assert.Single(contacts.GetProperty("items").EnumerateArray());
        Assert.Equal(source, contact.GetProperty("source").GetProperty("channel").GetString());
        var occurred = await tenant.WithDbAsync(db => db.ContactEvents.Select(e => e.OccurredAt).SingleAsync());
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero), occurred);
    }

    [Fact]
    public async Task Three_orders_give_exact_computed_attributes_and_the_rebuild_agrees()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        const string phone = "+79161112233";
        // Out of order on purpose: the latest purchase arrives second.
        await api.PostAsync("/api/v1/events", Json(Order("o-1", phone, "2026-10-01T10:00:00Z", 1000m, "garden")));
        await api.PostAsync("/api/v1/events", Json(Order("o-3", phone, "2026-11-15T10:00:00Z", 250.50m, "Tools")));
        await api.PostAsync("/api/v1/events", Json(Order("o-2", phone, "2026-10-20T10:00:00Z", 2000m, "garden")));
        await api.PostAsync("/api/v1/events", Json($$"""{"type":"call_unanswered","externalId":"c-1","phone":"{{phone}}","occurredAt":"2026-11-16T10:00:00Z"}"""));
        await api.PostAsync("/api/v1/events", Json($$"""{"type":"call_unanswered","externalId":"c-2","phone":"{{phone}}","occurredAt":"2026-11-17T10:00:00Z"}"""));

        async Task AssertStatsAsync()
        {
            var s = await tenant.WithDbAsync(db => db.Contacts.AsNoTracking().Select(c => c.Stats).SingleAsync());
            Assert.Equal(3, s.OrdersCount);
            Assert.Equal(3250.50m, s.TotalSpent);
            Assert.Equal(1083.50m, s.AvgOrderValue);
            Assert.Equal(new DateTimeOffset(2026, 11, 15, 10, 0, 0, TimeSpan.Zero), s.LastPurchaseAt);
            Assert.Equal(new DateTimeOffset(2026, 11, 15, 10, 0, 0, TimeSpan.Zero), s.LastEngagedAt);
            Assert.Equal(2, s.UnansweredCalls);
            Assert.Equal(["garden", "tools"], s.PurchasedCategories);
            var categories = await tenant.WithDbAsync(db => db.ContactCategories.AsNoTracking().OrderBy(c => c.Category).ToListAsync());
            Assert.Equal(["garden", "tools"], categories.Select(c => c.Category));
            Assert.Equal(new DateTimeOffset(2026, 10, 20, 10, 0, 0, TimeSpan.Zero), categories[0].LastPurchasedAt);
        }

        await AssertStatsAsync();
        // An engagement after the calls ends the unanswered run.
        await api.PostAsync("/api/v1/events", Json($$"""{"type":"cart_abandoned","externalId":"k-1","phone":"{{phone}}","occurredAt":"2026-11-18T10:00:00Z"}"""));
        Assert.Equal(0, await tenant.WithDbAsync(db => db.Contacts.Select(c => c.Stats.UnansweredCalls).SingleAsync()));
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM contact_events WHERE external_id = 'k-1'"));

        var rows = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ContactStatsUpdater>().RebuildAsync(tenant.Id));

        Assert.Equal(1, rows);
        await AssertStatsAsync();
    }
}
