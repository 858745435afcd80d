using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Segments;

/// <summary>
/// Hand-built data for the rule tests, relative to today (Moscow): five active contacts and one erased.
/// C1 Москва male 30 y, tags garden+vip, website, 2 orders (1000 garden 10 d ago, 3000 tools 100 d ago).
/// C2 СПб female 20 y, tags garden, web_shop, 1 order (500 garden 200 d ago).
/// C3 Москва female, no birth date/tags, store, created 400 d ago, 2 unanswered calls.
/// C4 no city, unknown, 40 y with a birthday in 3 days, tags vip, social, cart abandoned 2 d ago.
/// C6 Казань unknown, nothing else, api. C5 Москва erased with an order yesterday: never matches.
/// </summary>
public static class SegmentData
{
    private static readonly SemaphoreSlim _lock = new(1, 1);
    private static TestTenant? _tenant;

    public static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow,
        TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).DateTime);

    public static async Task<TestTenant> TenantAsync(AppFixture app)
    {
        await _lock.WaitAsync();
        try
        {
            return _tenant ??= await BuildAsync(app);
        }
        finally
        {
            _lock.Release();
        }
    }

    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<TestTenant> BuildAsync(AppFixture app)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var t = Today;
        async Task ContactAsync(object body) => (await api.PostAsJsonAsync("/api/v1/contacts", body)).EnsureSuccessStatusCode();
        await ContactAsync(new { phone = "+79160000001", city = "Москва", gender = "male", birthDate = D(t.AddDays(-10).AddYears(-30)),
            tags = new[] { "garden", "vip" }, source = new { channel = "website" } });
        await ContactAsync(new { phone = "+79160000002", city = "Санкт-Петербург", gender = "female", birthDate = D(t.AddDays(-20).AddYears(-20)),
            tags = new[] { "garden" }, source = new { channel = "web_shop" } });
        await ContactAsync(new { phone = "+79160000003", city = "Москва", gender = "female", source = new { channel = "store" } });
        await ContactAsync(new { phone = "+79160000004", birthDate = D(t.AddDays(3).AddYears(-41)), tags = new[] { "vip" },
            source = new { channel = "social" } });
        await ContactAsync(new { phone = "+79160000005", city = "Москва", gender = "male", tags = new[] { "garden", "vip" } });
        await ContactAsync(new { phone = "+79160000006", city = "Казань" });

        var now = DateTimeOffset.UtcNow;
        async Task EventAsync(string type, string id, string phone, double daysAgo, decimal amount = 0, string? category = null)
        {
            var at = now.AddDays(-daysAgo).ToString("O", CultureInfo.InvariantCulture);
            var data = category is null ? "{}" : $$"""{"amount":{{amount.ToString(CultureInfo.InvariantCulture)}},"items":[{"category":"{{category}}","price":{{amount.ToString(CultureInfo.InvariantCulture)}}}]}""";
            var json = $$"""{"type":"{{type}}","externalId":"{{id}}","phone":"{{phone}}","occurredAt":"{{at}}","data":{{data}}}""";
            (await api.PostAsync("/api/v1/events", new StringContent(json, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }

        await EventAsync("order_placed", "c1-o1", "+79160000001", 10, 1000, "garden");
        await EventAsync("order_placed", "c1-o2", "+79160000001", 100, 3000, "tools");
        await EventAsync("order_placed", "c2-o1", "+79160000002", 200, 500, "garden");
        await EventAsync("call_unanswered", "c3-u1", "+79160000003", 5);
        await EventAsync("call_unanswered", "c3-u2", "+79160000003", 3);
        await EventAsync("cart_abandoned", "c4-k1", "+79160000004", 2);
        await EventAsync("order_placed", "c5-o1", "+79160000005", 1, 700, "garden");

        await tenant.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("""
            UPDATE contacts SET status = 'erased' WHERE city = 'Москва' AND gender = 'male' AND tags @> ARRAY['garden','vip'] AND source_channel = 'api';
            UPDATE contacts SET created_at = now() - interval '400 days' WHERE source_channel = 'store';
            """));
        return tenant;
    }
}
