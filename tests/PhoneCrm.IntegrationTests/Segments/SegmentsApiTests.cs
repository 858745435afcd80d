using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Segments;

/// <summary>The Segments section of api-v1.md: every field and op with exact counts on <see cref="SegmentData"/>.</summary>
[Collection(AppCollection.Name)]
public sealed class SegmentsApiTests(AppFixture app)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string C(string field, string op, string value) => $$"""{"field":"{{field}}","op":"{{op}}","value":{{value}}}""";

    [Theory]
    [InlineData("city", "eq", "\"Москва\"", 2)]
    [InlineData("city", "neq", "\"Москва\"", 2)]
    [InlineData("city", "in", "[\"Москва\",\"Санкт-Петербург\"]", 3)]
    [InlineData("city", "exists", "false", 1)]
    [InlineData("gender", "eq", "\"female\"", 2)]
    [InlineData("gender", "in", "[\"male\",\"unknown\"]", 3)]
    [InlineData("gender", "neq", "\"unknown\"", 3)]
    [InlineData("age", "gte", "30", 2)]
    [InlineData("age", "gt", "30", 1)]
    [InlineData("age", "between", "[20,30]", 2)]
    [InlineData("age", "lt", "30", 1)]
    [InlineData("age", "lte", "30", 2)]
    [InlineData("age", "eq", "40", 1)]
    [InlineData("age", "exists", "false", 2)]
    [InlineData("birthday", "within_days", "7", 1)]
    [InlineData("birthday", "within_days", "2", 0)]
    [InlineData("tags", "contains", "\"garden\"", 2)]
    [InlineData("tags", "in", "[\"vip\"]", 2)]
    [InlineData("tags", "exists", "false", 2)]
    [InlineData("sourceChannel", "eq", "\"web_shop\"", 1)]
    [InlineData("sourceChannel", "in", "[\"website\",\"store\"]", 2)]
    [InlineData("createdAt", "older_than_days", "365", 1)]
    [InlineData("createdAt", "within_days", "30", 4)]
    [InlineData("phoneType", "eq", "\"mobile\"", 5)]
    [InlineData("status", "eq", "\"active\"", 5)]
    [InlineData("status", "eq", "\"erased\"", 0)]
    [InlineData("lastPurchaseAt", "within_days", "30", 1)]
    [InlineData("lastPurchaseAt", "older_than_days", "180", 1)]
    [InlineData("lastPurchaseAt", "exists", "false", 3)]
    [InlineData("ordersCount", "eq", "0", 3)]
    [InlineData("ordersCount", "neq", "0", 2)]
    [InlineData("ordersCount", "gte", "1", 2)]
    [InlineData("ordersCount", "between", "[1,1]", 1)]
    [InlineData("ordersCount", "lt", "2", 4)]
    [InlineData("totalSpent", "gt", "1000", 1)]
    [InlineData("totalSpent", "lte", "500", 4)]
    [InlineData("avgOrderValue", "eq", "2000", 1)]
    [InlineData("avgOrderValue", "exists", "true", 2)]
    [InlineData("avgOrderValue", "lt", "1000", 1)]
    [InlineData("purchasedCategory", "contains", "\"garden\"", 2)]
    [InlineData("purchasedCategory", "in", "[\"tools\",\"toys\"]", 1)]
    [InlineData("purchasedCategory", "in", "[\"garden\",\"tools\"]", 2)] // C1 bought both: counted once
    [InlineData("purchasedCategory", "exists", "false", 3)]
    [InlineData("lastEngagedAt", "within_days", "7", 1)]
    [InlineData("lastEngagedAt", "older_than_days", "180", 1)]
    [InlineData("lastEngagedAt", "exists", "false", 2)]
    [InlineData("unansweredCalls", "gte", "2", 1)]
    [InlineData("unansweredCalls", "eq", "0", 4)]
    [InlineData("unansweredMessages", "eq", "0", 5)]
    public async Task Each_field_and_op_counts_exactly(string field, string op, string value, int expected) =>
        Assert.Equal(expected, await CountAsync(C(field, op, value)));

    [Theory]
    [InlineData("""{"all":[{"field":"city","op":"eq","value":"Москва"},{"any":[{"field":"tags","op":"contains","value":"vip"},{"field":"gender","op":"eq","value":"female"}]}]}""", 2)]
    [InlineData("""{"not":{"field":"city","op":"eq","value":"Москва"}}""", 3)]
    [InlineData("""{"all":[{"not":{"field":"tags","op":"contains","value":"garden"}},{"field":"ordersCount","op":"eq","value":0}]}""", 3)]
    [InlineData("""{"any":[{"not":{"any":[{"field":"age","op":"gte","value":25},{"field":"city","op":"exists","value":false}]}},{"field":"gender","op":"eq","value":"male"}]}""", 4)]
    [InlineData("""{"field":"purchasedCategory","op":"contains","value":"garden","withinDays":30}""", 1)]
    [InlineData("""{"all":[]}""", 5)]
    // Stats joined once for several conditions, inside and outside a not; a zero count matches contacts without stats.
    [InlineData("""{"all":[{"field":"ordersCount","op":"gte","value":1},{"not":{"field":"totalSpent","op":"gt","value":1000}},{"field":"lastPurchaseAt","op":"exists","value":true}]}""", 1)]
    [InlineData("""{"any":[{"field":"ordersCount","op":"lt","value":1},{"field":"purchasedCategory","op":"contains","value":"tools"}]}""", 4)]
    [InlineData("""{"any":[]}""", 0)]
    public async Task Groups_nest(string rule, int expected) => Assert.Equal(expected, await CountAsync(rule));

    [Fact]
    public async Task Between_dates_is_inclusive_of_whole_days()
    {
        var today = SegmentData.Today;
        string D(DateOnly d) => $"\"{d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}\"";
        Assert.Equal(1, await CountAsync(C("lastPurchaseAt", "between", $"[{D(today.AddDays(-150))},{D(today)}]")));
        Assert.Equal(2, await CountAsync(C("lastPurchaseAt", "between", $"[{D(today.AddDays(-250))},{D(today.AddDays(-10))}]")));
    }

    [Theory]
    [InlineData("""{"all":[{"field":"city","op":"eq","value":"Москва"},{"field":"shoeSize","op":"eq","value":42}]}""", "rule.all[1].field")]
    [InlineData("""{"all":[{"field":"city","op":"gt","value":"Москва"}]}""", "rule.all[0].op")]
    [InlineData("""{"field":"ordersCount","op":"gte","value":"five"}""", "rule.value")]
    public async Task Invalid_rules_are_400_naming_the_path(string rule, string path)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsync("/api/v1/segments/count", Json($$"""{"rule":{{rule}}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("rule");
        Assert.Contains(errors.EnumerateArray(), e => e.GetString()!.StartsWith(path + ":", StringComparison.Ordinal));
        var save = await api.PostAsync("/api/v1/segments", Json($$"""{"name":"x","rule":{{rule}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, save.StatusCode);
    }

    [Fact]
    public async Task Saved_segment_counts_live_and_is_404_to_other_tenants()
    {
        var tenant = await SegmentData.TenantAsync(app);
        using var api = tenant.Api();
        const string rule = """{"all":[{"field":"city","op":"eq","value":"Москва"},{"field":"purchasedCategory","op":"contains","value":"garden"}]}""";

        var created = await api.PostAsync("/api/v1/segments", Json($$"""{"name":"Москва, сад","rule":{{rule}}}"""));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal("Москва, сад", body.GetProperty("name").GetString());
        Assert.Equal("Москва", body.GetProperty("rule").GetProperty("all")[0].GetProperty("value").GetString());
        var count = await api.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{id}/count");
        Assert.Equal(1, count.GetProperty("count").GetInt64());

        var other = await app.CreateTenantAsync();
        using var otherApi = other.Api();
        var foreign = await otherApi.GetAsync($"/api/v1/segments/{id}/count");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("application/problem+json", foreign.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/segments/{Guid.NewGuid()}/count")).StatusCode);
        // The other tenant's counts never see this tenant's contacts.
        var empty = await otherApi.PostAsync("/api/v1/segments/count", Json("""{"rule":{"all":[]}}"""));
        Assert.Equal(0, (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Consent_has_and_lacks_count_exactly()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        async Task GrantAsync(string phone, string purpose, string channel, string basis, DateTimeOffset at)
        {
            var r = await api.PostAsync("/api/v1/consents", Json($$$"""
                {"phone":"{{{phone}}}","purpose":"{{{purpose}}}","channel":"{{{channel}}}","legalBasis":"{{{basis}}}",
                 "evidence":{"method":"web_form","capturedAt":"{{{at:O}}}","ip":"203.0.113.5"}}
                """));
            Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        }

        var now = DateTimeOffset.UtcNow;
        await GrantAsync("+79160000001", "marketing", "sms", "consent", now.AddDays(-1));          // has
        await GrantAsync("+79160000002", "marketing", "sms", "consent", now.AddDays(-1));          // withdrawn below
        await GrantAsync("+79160000003", "transactional", "sms", "contract", now.AddDays(-1));     // other purpose
        await GrantAsync("+79160000004", "marketing", "sms", "consent", now.AddYears(-4));         // expired
        await GrantAsync("+79160000005", "marketing", "messenger", "consent", now.AddDays(-1));    // other channel
        var withdrawn = await api.PostAsync("/api/v1/consents/withdraw",
            Json("""{"phone":"+79160000002","purpose":"marketing","channel":"sms","method":"api"}"""));
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);

        async Task<long> CountRuleAsync(string rule)
        {
            var response = await api.PostAsync("/api/v1/segments/count", Json("{\"rule\":" + rule + "}"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            return JsonDocument.Parse(text).RootElement.GetProperty("count").GetInt64();
        }

        static string Consent(string op, string purpose = "marketing", string channel = "sms") =>
            $$$"""{"field":"consent","op":"{{{op}}}","value":{"purpose":"{{{purpose}}}","channel":"{{{channel}}}"}}""";

        Assert.Equal(1, await CountRuleAsync(Consent("has")));
        Assert.Equal(4, await CountRuleAsync(Consent("lacks")));
        // Several consent conditions in one rule: each purpose and channel joined once, exact under any/not.
        Assert.Equal(2, await CountRuleAsync($$"""{"any":[{{Consent("has")}},{{Consent("has", "transactional")}}]}"""));
        Assert.Equal(3, await CountRuleAsync($$"""{"all":[{{Consent("lacks")}},{"not":{{Consent("has", "marketing", "messenger")}}}]}"""));
        Assert.Equal(5, await CountRuleAsync($$"""{"any":[{{Consent("has")}},{"not":{{Consent("has")}}}]}"""));
    }

    [Fact]
    public async Task Consent_counts_follow_an_expiry_that_passes_after_the_grant_and_keys_past_the_mask()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        async Task GrantAsync(string phone, string purpose)
        {
            var r = await api.PostAsync("/api/v1/consents", Json($$$"""
                {"phone":"{{{phone}}}","purpose":"{{{purpose}}}","channel":"sms","legalBasis":"consent",
                 "evidence":{"method":"web_form","capturedAt":"{{{DateTimeOffset.UtcNow.AddMinutes(-1):O}}}","ip":"203.0.113.5"}}
                """));
            Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        }

        async Task<long> HasAsync(string purpose)
        {
            var response = await api.PostAsync("/api/v1/segments/count",
                Json("{\"rule\":{\"field\":\"consent\",\"op\":\"has\",\"value\":{\"purpose\":\"" + purpose + "\",\"channel\":\"sms\"}}}"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            return JsonDocument.Parse(text).RootElement.GetProperty("count").GetInt64();
        }

        await GrantAsync("+79160000001", "marketing");
        await GrantAsync("+79160000002", "marketing");
        Assert.Equal(2, await HasAsync("marketing"));

        // The ledger's state gets an expiry a moment away (as a long-granted consent reaching its term): the mask was
        // computed before it passed, and the count after it must not include the contact.
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE consent_states SET expires_at = now() + interval '1 second' WHERE contact_id = (SELECT id FROM contacts ORDER BY created_at LIMIT 1)"));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(1, await HasAsync("marketing"));

        // A tenant whose 63 mask bits are taken: a new key has no bit and is read from the ledger, still exactly.
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "INSERT INTO consent_keys (tenant_id, purpose, channel, bit) SELECT app_current_tenant(), 'filler' || i, 'voice', i FROM generate_series(1, 62) i"));
        await GrantAsync("+79160000003", "surveys");
        Assert.Null(await tenant.WithDbAsync(db => db.Database
            .SqlQueryRaw<short?>("SELECT bit AS \"Value\" FROM consent_keys WHERE purpose = 'surveys'").SingleAsync()));
        Assert.Equal(1, await HasAsync("surveys"));
        Assert.Equal(1, await HasAsync("marketing"));
    }

    [Fact]
    public async Task Concurrent_counts_after_many_consents_expire_together_all_answer_exactly()
    {
        var tenant = await app.CreateTenantAsync();
        using (var api = tenant.Api())
        {
            for (var i = 0; i < 40; i++)
            {
                var r = await api.PostAsync("/api/v1/consents", Json($$$"""
                    {"phone":"+7916{{{i:D7}}}","purpose":"marketing","channel":"sms","legalBasis":"consent",
                     "evidence":{"method":"web_form","capturedAt":"{{{DateTimeOffset.UtcNow.AddMinutes(-1):O}}}","ip":"203.0.113.5"}}
                    """));
                Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
            }
        }

        // Granted together, expiring together: every count right after refreshes the same masks.
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE consent_states SET expires_at = now() + interval '1 second'"));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var counts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using var api = tenant.Api();
            var response = await api.PostAsync("/api/v1/segments/count",
                Json("""{"rule":{"field":"consent","op":"lacks","value":{"purpose":"marketing","channel":"sms"}}}"""));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            return JsonDocument.Parse(text).RootElement.GetProperty("count").GetInt64();
        }));

        Assert.All(counts, c => Assert.Equal(40, c));
    }

    private async Task<long> CountAsync(string rule)
    {
        var tenant = await SegmentData.TenantAsync(app);
        using var api = tenant.Api();
        var response = await api.PostAsync("/api/v1/segments/count", Json($$"""{"rule":{{rule}}}"""));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("count").GetInt64();
    }
}
