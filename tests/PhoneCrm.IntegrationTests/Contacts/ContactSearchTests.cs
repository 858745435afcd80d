using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Contacts;

/// <summary>The contacts page: partial search over encrypted data, previous/next pages, the total and sort directions.</summary>
[Collection(AppCollection.Name)]
public sealed partial class ContactSearchTests(AppFixture app)
{
    [Fact]
    public async Task Last_four_digits_find_every_number_ending_so_and_nothing_else()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var a = await CreateAsync(api, new { phone = "+79161234567", firstName = "Анна" });
        var b = await CreateAsync(api, new { phone = "+79250004567", firstName = "Борис" });
        var c = await CreateAsync(api, new { phone = "+79161234568", firstName = "Вера" });
        using var session = await tenant.SignInAsync(Role.Marketer);

        Assert.Equal(new[] { a, b }.Order(), (await IdsAsync(session, "/contacts?q=4567")).Order());
        Assert.Equal([b, a], await IdsAsync(session, "/contacts?q=" + Uri.EscapeDataString("…45-67"))); // newest first
        Assert.Equal([c], await IdsAsync(session, "/contacts?q=4568"));
        Assert.Empty(await IdsAsync(session, "/contacts?q=1234")); // the middle of a number is not searchable
    }

    [Fact]
    public async Task A_name_is_found_by_its_first_letters_and_every_word_must_match()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var petrov = await CreateAsync(api, new { phone = "+79161230001", firstName = "Иван", lastName = "Петров" });
        var petrova = await CreateAsync(api, new { phone = "+79161230002", firstName = "Анна", lastName = "Петрова" });
        var ivanova = await CreateAsync(api, new { phone = "+79161230003", firstName = "Ирина", lastName = "Иванова" });
        using var session = await tenant.SignInAsync(Role.Marketer);

        Assert.Equal(new[] { petrov, petrova }.Order(), (await IdsAsync(session, "/contacts?q=" + Uri.EscapeDataString("пет"))).Order());
        Assert.Equal([petrov], await IdsAsync(session, "/contacts?q=" + Uri.EscapeDataString("Иван Петр")));
        Assert.Equal(new[] { petrov, ivanova }.Order(), (await IdsAsync(session, "/contacts?q=" + Uri.EscapeDataString("Ива"))).Order());
        Assert.Empty(await IdsAsync(session, "/contacts?q=" + Uri.EscapeDataString("етров")));
        var nothing = await HtmlAsync(session, "/contacts?q=" + Uri.EscapeDataString("етров"));
        Assert.Contains("последним 4 цифрам", nothing, StringComparison.Ordinal); // the hint says what is searchable
    }

    [Fact]
    public async Task Previous_and_next_walk_the_same_pages_and_the_total_is_shown()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var created = new List<Guid>();
        for (var i = 0; i < 120; i++) created.Add(await CreateAsync(api, new { phone = $"+7916555{i:D4}" }));
        using var session = await tenant.SignInAsync(Role.Marketer);

        var first = await HtmlAsync(session, "/contacts");
        Assert.DoesNotContain("id=\"previous-page\"", first, StringComparison.Ordinal);
        var second = await HtmlAsync(session, Link(first, "next-page"));
        var third = await HtmlAsync(session, Link(second, "next-page"));
        Assert.DoesNotContain("id=\"next-page\"", third, StringComparison.Ordinal);
        var backToSecond = await HtmlAsync(session, Link(third, "previous-page"));
        var backToFirst = await HtmlAsync(session, Link(backToSecond, "previous-page"));

        Assert.Equal(Ids(second), Ids(backToSecond));
        Assert.Equal(Ids(first), Ids(backToFirst));
        Assert.DoesNotContain("id=\"previous-page\"", backToFirst, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Reverse(created), Ids(first).Concat(Ids(second)).Concat(Ids(third)));
        Assert.Equal("Контактов: 120", Total(first)); // counted exactly up to ContactService.ExactCountLimit

        var one = await HtmlAsync(session, "/contacts?q=" + Uri.EscapeDataString("+7 916 555-00-07"));
        Assert.Equal("Контактов: 1", Total(one));
    }

    [Fact]
    public async Task City_sorts_from_A_first_and_turns_round_on_a_second_click()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var yaroslavl = await CreateAsync(api, new { phone = "+79161240001", city = "Ярославль" });
        var astrakhan = await CreateAsync(api, new { phone = "+79161240002", city = "Астрахань" });
        var moscow = await CreateAsync(api, new { phone = "+79161240003", city = "Москва" });
        using var session = await tenant.SignInAsync(Role.Marketer);

        var list = await HtmlAsync(session, "/contacts");
        var byCity = await HtmlAsync(session, Regex.Match(list, "href=\"(/contacts\\?sort=city[^\"]*)\"").Groups[1].Value);
        Assert.Equal([astrakhan, moscow, yaroslavl], Ids(byCity));
        var reversed = await HtmlAsync(session, Regex.Match(byCity, "href=\"(/contacts\\?sort=city[^\"]*)\"").Groups[1].Value);
        Assert.Equal([yaroslavl, moscow, astrakhan], Ids(reversed));
    }

    [Fact]
    public async Task Contacts_stored_before_partial_search_get_their_entries_from_the_backfill()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var id = await CreateAsync(api, new { phone = "+79161239876", firstName = "Олег", lastName = "Смирнов" });
        var index = app.Factory.Services.GetRequiredService<BlindIndex>();
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE contacts SET phone_suffix_index = NULL, name_token_indexes = {index.ForTenant(tenant.Id, BlindIndex.TenantBoundVersion).NameTokens("Олег", "Смирнов").Take(2).ToArray()} WHERE id = {id}"));
        using var session = await tenant.SignInAsync(Role.Marketer);
        Assert.Empty(await IdsAsync(session, "/contacts?q=9876"));

        var done = await app.InTenantAsync(tenant.Id, sp => ContactSearchBackfill.BackfillTenantAsync(
            sp.GetRequiredService<PhoneCrmDbContext>(), sp.GetRequiredService<PiiProtector>(), index, CancellationToken.None));
        var again = await app.InTenantAsync(tenant.Id, sp => ContactSearchBackfill.BackfillTenantAsync(
            sp.GetRequiredService<PhoneCrmDbContext>(), sp.GetRequiredService<PiiProtector>(), index, CancellationToken.None));

        Assert.Equal(1, done);
        Assert.Equal(0, again);
        Assert.Equal([id], await IdsAsync(session, "/contacts?q=9876"));
        Assert.Equal([id], await IdsAsync(session, "/contacts?q=" + Uri.EscapeDataString("Смир")));
    }

    [Fact]
    public async Task A_contacts_search_keys_follow_its_name_and_tags_and_go_with_it()
    {
        // The triggers find a contact's keys from its own row (no index by contact): a change or a delete leaves none behind.
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var id = await CreateAsync(api, new { phone = "+79161238801", firstName = "Олег", lastName = "Смирнов", tags = new[] { "vip" } });
        Assert.Equal((2 + 5 + 1, 0), await KeysAsync(tenant, id)); // оле, олег; сми … смирнов; #vip

        var index = app.Factory.Services.GetRequiredService<BlindIndex>().ForTenant(tenant.Id, BlindIndex.TenantBoundVersion);
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE contacts SET name_token_indexes = {index.NameTokens("Ли", "Вэй").ToArray()}, tags = '{{new}}' WHERE id = {id}"));
        Assert.Equal((1 + 1 + 1, 0), await KeysAsync(tenant, id)); // ли whole; вэй; #new
        using var session = await tenant.SignInAsync(Role.Marketer);
        Assert.Equal([id], await IdsAsync(session, "/contacts?q=" + Uri.EscapeDataString("Ли")));
        Assert.Empty(await IdsAsync(session, "/contacts?q=" + Uri.EscapeDataString("Смир")));

        await tenant.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM contacts WHERE id = {id}"));
        Assert.Equal((0, 0), await KeysAsync(tenant, id));
    }

    /// <summary>The contact's rows in contact_search_tokens, and how many of them its row no longer derives.</summary>
    private static Task<(int Keys, int Stale)> KeysAsync(TestTenant tenant, Guid id) => tenant.WithDbAsync(async db =>
    {
        var keys = await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM contact_search_tokens WHERE contact_id = {id}").SingleAsync();
        var stale = await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM contact_search_tokens t WHERE t.contact_id = {id} AND t.token NOT IN
              (SELECT contact_search_keys(c.name_token_indexes, c.tags) FROM contacts c WHERE c.id = {id})
            """).SingleAsync();
        return (keys, stale);
    });

    [Fact]
    public async Task A_broad_tag_or_name_search_is_counted_by_its_keys_exactly_or_shown_as_more_than_the_limit()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var model = await CreateAsync(api, new { phone = "+79161250001", firstName = "Анна", lastName = "Иванова", tags = new[] { "bulk" } });
        var owner = await tenant.AddUserAsync(Role.SalesManager);
        // Copies of the model (its ciphers; the trigger writes their keys), each a second older than the one before:
        // 9,989 more «Анна Иванова» tagged bulk, 50 tagged bulk without a name, 9,950 tagged few, and 20 erased contacts
        // that still hold the name and both tags (the arithmetic must not assume that erased contacts hold no keys).
        // Visible: bulk 10,040 (beyond the limit), few 9,950, the name 9,990 (both exact; the name has 10,010 keys).
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO contacts (tenant_id, id, phone_cipher, phone_index, phone_type, phone_region, first_name_cipher, last_name_cipher,
              name_token_indexes, gender, tags, source_channel, attributes, status, time_zone, created_at, updated_at, owner_id)
            SELECT c.tenant_id, gen_random_uuid(), c.phone_cipher, sha256(int4send(i)), c.phone_type, c.phone_region,
              c.first_name_cipher, c.last_name_cipher,
              CASE WHEN i < 9990 OR i >= 19990 THEN c.name_token_indexes ELSE ARRAY[]::bytea[] END, c.gender,
              CASE WHEN i < 10040 THEN ARRAY['bulk'] WHEN i < 19990 THEN ARRAY['few'] ELSE ARRAY['bulk', 'few'] END,
              c.source_channel, c.attributes, CASE WHEN i < 19990 THEN 'active' ELSE 'erased' END, c.time_zone,
              c.created_at - i * interval '1 second', c.updated_at, CASE WHEN i % 160 = 0 THEN {owner.Id} END
            FROM contacts c CROSS JOIN generate_series(1, 20009) i WHERE c.id = {model}
            """));

        using var marketer = await tenant.SignInAsync(Role.Marketer);
        var bulk = await HtmlAsync(marketer, "/contacts?q=" + Uri.EscapeDataString("#bulk"));
        Assert.Equal("Контактов:более10000", Squeezed(Total(bulk)));
        Assert.Equal(await ExpectedAsync(tenant, "'bulk' = ANY (tags)", 0), Ids(bulk));
        var bulkNext = await HtmlAsync(marketer, Link(bulk, "next-page"));
        Assert.Equal(await ExpectedAsync(tenant, "'bulk' = ANY (tags)", 50), Ids(bulkNext));
        Assert.Equal("Контактов:более10000", Squeezed(Total(bulkNext)));

        var few = await HtmlAsync(marketer, "/contacts?q=" + Uri.EscapeDataString("#few"));
        Assert.Equal("Контактов:9950", Squeezed(Total(few)));
        Assert.Equal(await ExpectedAsync(tenant, "'few' = ANY (tags)", 0), Ids(few));

        var named = await HtmlAsync(marketer, "/contacts?q=" + Uri.EscapeDataString("Анна Иванова"));
        Assert.Equal("Контактов:9990", Squeezed(Total(named)));
        Assert.Equal(await ExpectedAsync(tenant, "cardinality(name_token_indexes) > 0", 0), Ids(named));
        var namedNext = await HtmlAsync(marketer, Link(named, "next-page"));
        Assert.Equal(await ExpectedAsync(tenant, "cardinality(name_token_indexes) > 0", 50), Ids(namedNext));
        Assert.Equal("Контактов:9990", Squeezed(Total(namedNext)));

        // An Analyst's search is by tag; a sales manager's list is narrowed to their own, so it is counted as before.
        using var analyst = await tenant.SignInAsync(Role.Analyst);
        Assert.Equal("Контактов:более10000", Squeezed(Total(await HtmlAsync(analyst, "/contacts?q=bulk"))));
        using var manager = app.Session();
        await manager.SignInAsync(owner);
        var own = await HtmlAsync(manager, "/contacts?q=" + Uri.EscapeDataString("#bulk"));
        Assert.Equal("Контактов:62", Squeezed(Total(own))); // i = 160, 320, … 9,920: two pages
        var ownNamed = await HtmlAsync(manager, "/contacts?q=" + Uri.EscapeDataString("Анна Иванова"));
        Assert.Equal(await ExpectedAsync(tenant, $"cardinality(name_token_indexes) > 0 AND owner_id = '{owner.Id}'", 0), Ids(ownNamed));
    }

    /// <summary>The list's page by SQL: the visible contacts meeting <paramref name="condition"/>, newest first, after <paramref name="skip"/>.</summary>
    private static Task<List<Guid>> ExpectedAsync(TestTenant tenant, string condition, int skip) =>
        tenant.WithDbAsync(db =>
        {
            var sql = $"SELECT id AS \"Value\" FROM contacts WHERE status <> 'erased' AND {condition} ORDER BY created_at DESC, id DESC OFFSET {skip} LIMIT 50";
            return db.Database.SqlQueryRaw<Guid>(sql).ToListAsync();
        });

    private static string Squeezed(string text) => string.Concat(text.Where(ch => !char.IsWhiteSpace(ch)));

    private static async Task<Guid> CreateAsync(HttpClient api, object body)
    {
        var response = await api.PostAsJsonAsync("/api/v1/contacts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<string> HtmlAsync(UiSession session, string path)
    {
        var response = await session.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static async Task<List<Guid>> IdsAsync(UiSession session, string path) => Ids(await HtmlAsync(session, path));

    private static List<Guid> Ids(string html) => [.. RowId().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value))];

    private static string Link(string html, string id) => Regex.Match(html, $"id=\"{id}\" href=\"([^\"]+)\"").Groups[1].Value;

    private static string Total(string html) => Regex.Match(html, "id=\"contacts-total\">\\s*([^<]+?)\\s*<").Groups[1].Value;

    [GeneratedRegex("<tr data-id=\"([0-9a-f-]{36})\"")]
    private static partial Regex RowId();
}
