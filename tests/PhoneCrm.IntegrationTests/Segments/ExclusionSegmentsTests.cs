using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Segments;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Segments;

/// <summary>
/// Exclusion segments on <see cref="SegmentData"/> (five active contacts: C1 Москва garden, C2 СПб garden, C3 Москва,
/// C4 no city, C6 Казань): counts, the live count, nested exclusions, cycles and the campaigns' set-based snapshot.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ExclusionSegmentsTests(AppFixture app)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<Guid> CreateAsync(HttpClient api, string name, string rule, params Guid[] exclude)
    {
        var ids = string.Join(",", exclude.Select(e => $"\"{e}\""));
        var r = await api.PostAsync("/api/v1/segments", Json($$"""{"name":"{{name}}","rule":{{rule}},"excludeSegmentIds":[{{ids}}]}"""));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal(exclude.Length, doc.RootElement.GetProperty("excludeSegmentIds").GetArrayLength());
        return doc.RootElement.GetProperty("id").GetGuid();
    }

    private static async Task<long> CountAsync(HttpClient api, Guid id)
    {
        var r = await api.GetAsync($"/api/v1/segments/{id}/count");
        r.EnsureSuccessStatusCode();
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt64();
    }

    [Fact]
    public async Task Exclusions_apply_to_counts_nest_and_reject_cycles()
    {
        var tenant = await SegmentData.TenantAsync(app);
        using var api = tenant.Api();
        var gardeners = await CreateAsync(api, "Ex: garden", """{"all":[{"field":"purchasedCategory","op":"contains","value":"garden"}]}""");
        var moscow = await CreateAsync(api, "Ex: Moscow", """{"all":[{"field":"city","op":"eq","value":"Москва"}]}""");
        Assert.Equal(2, await CountAsync(api, gardeners));
        Assert.Equal(2, await CountAsync(api, moscow));

        var allButGardeners = await CreateAsync(api, "Ex: all but garden", """{"all":[]}""", gardeners);
        Assert.Equal(3, await CountAsync(api, allButGardeners));
        var allButBoth = await CreateAsync(api, "Ex: all but both", """{"all":[]}""", gardeners, moscow);
        Assert.Equal(2, await CountAsync(api, allButBoth));

        // Moscow without gardeners is C3 alone; excluding that segment leaves the other four (its own exclusion applies).
        var moscowNoGarden = await CreateAsync(api, "Ex: Moscow no garden", """{"all":[{"field":"city","op":"eq","value":"Москва"}]}""", gardeners);
        Assert.Equal(1, await CountAsync(api, moscowNoGarden));
        var nested = await CreateAsync(api, "Ex: nested", """{"all":[]}""", moscowNoGarden);
        Assert.Equal(4, await CountAsync(api, nested));

        var live = await api.PostAsync("/api/v1/segments/count", Json($$"""{"rule":{"all":[]},"excludeSegmentIds":["{{gardeners}}","{{moscow}}"]}"""));
        Assert.Equal(2, (await live.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt64());

        var unknown = await api.PostAsync("/api/v1/segments", Json($$"""{"name":"x","rule":{"all":[]},"excludeSegmentIds":["{{Guid.NewGuid()}}"]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("excludeSegmentIds", out _));

        // gardeners → nested would close the loop nested → moscowNoGarden → gardeners.
        using var marketer = await tenant.SignInAsync(Role.Marketer);
        var cycle = await marketer.PostFormAsync("/segments/save", new()
        {
            ["id"] = gardeners.ToString(), ["name"] = "Ex: garden",
            ["rule"] = """{"all":[{"field":"purchasedCategory","op":"contains","value":"garden"}]}""", ["exclude"] = nested.ToString(),
        }, $"/segments/{gardeners}");
        Assert.Equal(HttpStatusCode.BadRequest, cycle.StatusCode);
        Assert.Contains("id=\"exclude-errors\"", await cycle.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var self = await marketer.PostFormAsync("/segments/save", new()
        {
            ["id"] = moscow.ToString(), ["name"] = "Ex: Moscow", ["rule"] = """{"all":[{"field":"city","op":"eq","value":"Москва"}]}""",
            ["exclude"] = moscow.ToString(),
        }, $"/segments/{moscow}");
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.Equal(2, await CountAsync(api, gardeners));

        // The builder's live count takes the exclusions chosen on the page.
        var uiCount = await marketer.PostFormAsync("/segments/count", new() { ["rule"] = """{"all":[]}""", ["exclude"] = gardeners.ToString() }, "/segments/new");
        Assert.Contains("data-count=\"3\"", await uiCount.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_inserts_the_members_with_exclusions_in_one_statement()
    {
        var tenant = await SegmentData.TenantAsync(app);
        using var api = tenant.Api();
        var gardeners = await CreateAsync(api, "Snap: garden", """{"all":[{"field":"purchasedCategory","op":"contains","value":"garden"}]}""");
        var audience = await CreateAsync(api, "Snap: audience", """{"any":[{"field":"city","op":"exists","value":true},{"field":"tags","op":"contains","value":"vip"}]}""", gardeners);

        var (inserted, phones) = await app.InTenantAsync(tenant.Id, async sp =>
        {
            var db = sp.GetRequiredService<PhoneCrmDbContext>();
            var segments = sp.GetRequiredService<SegmentService>();
            await db.Database.OpenConnectionAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("CREATE TEMP TABLE snap (contact_id uuid, label text) ON COMMIT DROP");
            var n = await segments.SnapshotAsync(audience, "INSERT INTO snap (contact_id, label) SELECT m.id, @label FROM members m",
                [new NpgsqlParameter("label", "campaign-1")]);
            var ids = await db.Database.SqlQueryRaw<Guid>("SELECT contact_id AS \"Value\" FROM snap WHERE label = 'campaign-1'").ToListAsync();
            var cities = await db.Contacts.Where(c => ids.Contains(c.Id)).Select(c => c.City ?? "-").ToListAsync();
            await tx.RollbackAsync();
            return (n, cities.Order(StringComparer.Ordinal).ToList());
        });

        // City set or vip: C1, C2, C3, C4, C6 — minus the gardeners C1 and C2.
        Assert.Equal(3, inserted);
        Assert.Equal(["-", "Казань", "Москва"], phones);
        Assert.Null(await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<SegmentService>()
            .SnapshotAsync(Guid.NewGuid(), "SELECT 1 FROM members", [])));
    }
}
