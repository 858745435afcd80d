using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Contacts;

/// <summary>Every case of the Contacts section of api-v1.md.</summary>
[Collection(AppCollection.Name)]
public sealed class ContactsApiTests(AppFixture app)
{
    [Theory]
    [InlineData("8 (916) 123-45-67")]
    [InlineData("+7 916 123 45 67")]
    [InlineData("9161234567")]
    [InlineData("8-916-123-45-67")]
    public async Task Common_formats_normalise_to_E164(string phone)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsJsonAsync("/api/v1/contacts", new { phone });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("+79161234567", body.GetProperty("phone").GetString());
        Assert.Equal("mobile", body.GetProperty("phoneType").GetString());
        Assert.Equal("RU", body.GetProperty("region").GetString());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal($"/api/v1/contacts/{body.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Full_example_round_trips_with_the_documented_fields()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsync("/api/v1/contacts", Json("""
            {"phone":"8 (916) 123-45-67","firstName":"Иван","lastName":"Петров","email":"ivan@example.ru",
             "city":"Москва","gender":"male","birthDate":"1990-05-01","tags":["garden"],
             "source":{"channel":"website","detail":"delivery-page"},"attributes":{"loyaltyLevel":"gold"}}
            """));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var c = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("+79161234567", c.GetProperty("phone").GetString());
        Assert.Equal("Europe/Moscow", c.GetProperty("timeZone").GetString());
        Assert.Equal("Иван", c.GetProperty("firstName").GetString());
        Assert.Equal("Петров", c.GetProperty("lastName").GetString());
        Assert.Equal("ivan@example.ru", c.GetProperty("email").GetString());
        Assert.Equal("Москва", c.GetProperty("city").GetString());
        Assert.Equal("male", c.GetProperty("gender").GetString());
        Assert.Equal("1990-05-01", c.GetProperty("birthDate").GetString());
        Assert.Equal(["garden"], c.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("website", c.GetProperty("source").GetProperty("channel").GetString());
        Assert.Equal("delivery-page", c.GetProperty("source").GetProperty("detail").GetString());
        Assert.Equal("gold", c.GetProperty("attributes").GetProperty("loyaltyLevel").GetString());
        Assert.EndsWith("Z", c.GetProperty("createdAt").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("Z", c.GetProperty("updatedAt").GetString(), StringComparison.Ordinal);
        Assert.True(c.TryGetProperty("carrier", out _));

        var read = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{c.GetProperty("id").GetString()}");
        Assert.Equal("Петров", read.GetProperty("lastName").GetString());
    }

    [Theory]
    [InlineData("junk")]
    [InlineData("123")]
    [InlineData("+7 916 123")]
    [InlineData("")]
    public async Task Junk_phone_is_400_with_errors_phone(string phone)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsJsonAsync("/api/v1/contacts", new { phone });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").GetProperty("phone").GetArrayLength() > 0);
    }

    [Theory]
    [InlineData("email", "not-an-email")]
    [InlineData("gender", "robot")]
    [InlineData("birthDate", "01.05.1990")]
    [InlineData("birthDate", "2999-01-01")]
    public async Task Invalid_fields_are_400_keyed_by_field(string field, string value)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsync("/api/v1/contacts", Json($$"""{"phone":"+79161234567","{{field}}":"{{value}}"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Too_long_name_is_400_and_huge_body_is_413()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var longName = await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79161234567", firstName = new string('я', 101) });
        var huge = await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79161234567", firstName = new string('x', 1_100_000) });

        Assert.Equal(HttpStatusCode.BadRequest, longName.StatusCode);
        Assert.True((await longName.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("firstName", out _));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("application/problem+json", huge.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Second_upsert_in_another_format_merges_into_the_same_contact()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var first = await api.PostAsync("/api/v1/contacts", Json("""
            {"phone":"8 (916) 123-45-67","firstName":"Иван","tags":["garden"],"attributes":{"a":"1"},
             "source":{"channel":"website","detail":"delivery-page"}}
            """));
        var second = await api.PostAsync("/api/v1/contacts", Json("""
            {"phone":"+7 916 123 45 67","lastName":"Петров","tags":["kitchen","garden"],"attributes":{"b":"2"},
             "source":{"channel":"store"}}
            """));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var a = await first.Content.ReadFromJsonAsync<JsonElement>();
        var b = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        Assert.Equal("Иван", b.GetProperty("firstName").GetString());
        Assert.Equal("Петров", b.GetProperty("lastName").GetString());
        Assert.Equal(["garden", "kitchen"], b.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Order());
        Assert.Equal("1", b.GetProperty("attributes").GetProperty("a").GetString());
        Assert.Equal("2", b.GetProperty("attributes").GetProperty("b").GetString());
        Assert.Equal("website", b.GetProperty("source").GetProperty("channel").GetString());
        Assert.Equal(1, await tenant.WithDbAsync(db => db.Contacts.CountAsync()));
    }

    [Fact]
    public async Task Concurrent_upserts_of_one_number_make_one_contact()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            api.PostAsJsonAsync("/api/v1/contacts", new { phone = i % 2 == 0 ? "89161234567" : "+79161234567", tags = new[] { $"t{i}" } })));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await tenant.WithDbAsync(db => db.Contacts.CountAsync()));
    }

    [Theory]
    [InlineData("8 (916) 123-45-67")]
    [InlineData("+79161234567")]
    [InlineData("9161234567")]
    [InlineData("8-916-123-45-67")]
    [InlineData("79161234567")]
    public async Task Lookup_by_phone_in_any_format(string format)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var created = await (await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+7 916 123 45 67" })).Content.ReadFromJsonAsync<JsonElement>();

        var found = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(format)}");
        var missing = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString("+79161234568")}");

        var item = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.Equal(created.GetProperty("id").GetString(), item.GetProperty("id").GetString());
        Assert.Empty(missing.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Lookup_with_a_bad_phone_is_400()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.GetAsync("/api/v1/contacts?phone=hello");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("phone", out _));
    }

    [Fact]
    public async Task Another_tenants_contact_and_an_unknown_id_are_404()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();
        using var apiA = a.Api();
        using var apiB = b.Api();
        var created = await (await apiA.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79161234567", firstName = "Иван" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString();

        var other = await apiB.GetAsync($"/api/v1/contacts/{id}");
        var unknown = await apiA.GetAsync($"/api/v1/contacts/{Guid.NewGuid()}");
        var byPhone = await apiB.GetFromJsonAsync<JsonElement>("/api/v1/contacts?phone=%2B79161234567");

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Иван", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty(byPhone.GetProperty("items").EnumerateArray());
        // The same number in tenant B is a different contact.
        var inB = await apiB.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79161234567" });
        Assert.Equal(HttpStatusCode.Created, inB.StatusCode);
    }

    [Fact]
    public async Task Kazakh_number_keeps_region_KZ()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+7 701 123 45 67" });

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("+77011234567", body.GetProperty("phone").GetString());
        Assert.Equal("KZ", body.GetProperty("region").GetString());
    }

    [Fact]
    public async Task Reads_and_writes_are_audited_without_personal_data()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var created = await (await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79161234567", firstName = "Иван" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString()!;
        await api.GetAsync($"/api/v1/contacts/{id}");
        await api.GetAsync("/api/v1/contacts?phone=89161234567");

        var entries = await tenant.WithDbAsync(db => db.AuditLog.Where(e => e.EntityType == "contact").ToListAsync());
        Assert.Contains(entries, e => e.Action == "create" && e.EntityIds == id);
        Assert.Equal(2, entries.Count(e => e.Action == "read" && e.EntityIds == id));
        Assert.DoesNotContain(entries, e => (e.Details ?? "").Contains("9161234567", StringComparison.Ordinal)
            || (e.Details ?? "").Contains("Иван", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Key_without_the_contacts_scope_is_403()
    {
        var tenant = await app.CreateTenantAsync();
        var issued = await app.InTenantAsync(tenant.Id, sp =>
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<PhoneCrm.Infrastructure.Access.ApiKeyService>(sp).CreateAsync("events only", ["events"], null));
        using var api = tenant.Api(issued.Token);

        var response = await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79161234567" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
