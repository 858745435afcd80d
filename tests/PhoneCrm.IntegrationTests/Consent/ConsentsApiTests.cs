using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Consent;

/// <summary>Every case of the Consents section of api-v1.md, plus the ledger's tamper evidence and append-only rule.</summary>
[Collection(AppCollection.Name)]
public sealed class ConsentsApiTests(AppFixture app)
{
    private const string Phone = "+79161234567";

    [Fact]
    public async Task Grant_creates_the_contact_and_answers_201_with_the_documented_fields()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsync("/api/v1/consents", Json("""
            {"phone":"8 (916) 123-45-67","purpose":"marketing","channel":"sms","legalBasis":"consent","textVersionId":null,
             "evidence":{"method":"web_form","capturedAt":"2026-11-01T10:00:00+03:00","ip":"203.0.113.5",
                         "userAgent":"Mozilla/5.0","sourceUrl":"https://shop.example/checkout","recordingId":null}}
            """));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(
            ["id", "contactId", "purpose", "channel", "legalBasis", "status", "grantedAt"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("marketing", body.GetProperty("purpose").GetString());
        Assert.Equal("sms", body.GetProperty("channel").GetString());
        Assert.Equal("consent", body.GetProperty("legalBasis").GetString());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal("2026-11-01T07:00:00Z", body.GetProperty("grantedAt").GetString());

        var contactId = body.GetProperty("contactId").GetGuid();
        var contact = await (await api.GetAsync($"/api/v1/contacts/{contactId}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Phone, contact.GetProperty("phone").GetString());
        Assert.Equal("website", contact.GetProperty("source").GetProperty("channel").GetString());
    }

    [Theory]
    [InlineData("""{"phone":"+79161234567","purpose":"marketing","channel":"sms","legalBasis":"contract","evidence":{"method":"api"}}""", "legalBasis")]
    [InlineData("""{"phone":"+79161234567","purpose":"marketing","channel":"sms","legalBasis":"request","evidence":{"method":"api"}}""", "legalBasis")]
    [InlineData("""{"phone":"+79161234567","purpose":"nonsense","channel":"sms","legalBasis":"consent","evidence":{"method":"api"}}""", "purpose")]
    [InlineData("""{"phone":"+79161234567","purpose":"marketing","channel":"fax","legalBasis":"consent","evidence":{"method":"api"}}""", "channel")]
    [InlineData("""{"phone":"+79161234567","purpose":"marketing","channel":"sms","legalBasis":"consent","evidence":{"method":"telepathy"}}""", "evidence.method")]
    [InlineData("""{"phone":"12","purpose":"marketing","channel":"sms","legalBasis":"consent","evidence":{"method":"api"}}""", "phone")]
    [InlineData("""{"phone":"+79161234567","purpose":"marketing","channel":"sms","legalBasis":"consent","evidence":{"method":"api","capturedAt":"2099-01-01T00:00:00Z"}}""", "evidence.capturedAt")]
    public async Task Bad_grants_are_400_naming_the_field_and_record_nothing(string json, string field)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsync("/api/v1/consents", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await tenant.WithDbAsync(db => db.ConsentRecords.CountAsync()));
    }

    [Fact]
    public async Task Withdraw_and_regrant_leaves_three_records_with_their_statuses_in_order()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var contactId = await GrantAsync(api, "marketing", "sms");

        var withdraw = await api.PostAsJsonAsync("/api/v1/consents/withdraw",
            new { phone = "89161234567", purpose = "marketing", channel = "sms", method = "api" });
        Assert.Equal(HttpStatusCode.OK, withdraw.StatusCode);
        Assert.Equal(1, (await withdraw.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("withdrawn").GetInt32());
        await GrantAsync(api, "marketing", "sms");

        var history = await (await api.GetAsync($"/api/v1/contacts/{contactId}/consents")).Content.ReadFromJsonAsync<JsonElement>();
        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["active", "withdrawn", "active"], items.Select(i => i.GetProperty("status").GetString()));
        Assert.All(items, i => Assert.Equal("marketing", i.GetProperty("purpose").GetString()));
        Assert.Equal(JsonValueKind.String, items[1].GetProperty("withdrawnAt").ValueKind);
        Assert.Equal("api", items[1].GetProperty("evidence").GetProperty("method").GetString());
        Assert.Equal("203.0.113.5", items[0].GetProperty("evidence").GetProperty("ip").GetString());
        Assert.EndsWith("Z", items[0].GetProperty("grantedAt").GetString());
    }

    [Fact]
    public async Task Withdraw_with_nulls_withdraws_everything_and_unknown_phone_is_404()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await GrantAsync(api, "marketing", "sms");
        await GrantAsync(api, "marketing", "voice");
        await GrantAsync(api, "surveys", "sms");

        var response = await api.PostAsync("/api/v1/consents/withdraw",
            Json("""{"phone":"+7 916 123 45 67","purpose":null,"channel":null,"method":"api"}"""));
        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("withdrawn").GetInt32());
        Assert.Equal(0, await tenant.WithDbAsync(db => db.ConsentStates.CountAsync(s => s.Status == "active")));

        var again = await api.PostAsync("/api/v1/consents/withdraw", Json("""{"phone":"+79161234567","method":"api"}"""));
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("withdrawn").GetInt32());

        var unknown = await api.PostAsync("/api/v1/consents/withdraw", Json("""{"phone":"+79035550000","method":"api"}"""));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_consent_older_than_the_purpose_validity_is_expired()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var old = DateTimeOffset.UtcNow.AddDays(-400).ToString("O");
        var contactId = await GrantAsync(api, "ad_audiences", "sms", old); // ad_audiences lasts 365 days
        await GrantAsync(api, "marketing", "sms", old);                     // marketing lasts 3 years

        var items = (await (await api.GetAsync($"/api/v1/contacts/{contactId}/consents")).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(["expired", "active"], items.Select(i => i.GetProperty("status").GetString()));
        Assert.Equal(JsonValueKind.String, items[0].GetProperty("expiresAt").ValueKind);
    }

    [Fact]
    public async Task Proof_reports_an_intact_chain_then_the_first_record_altered_in_the_database()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var contactId = await GrantAsync(api, "marketing", "sms");
        await GrantAsync(api, "surveys", "sms");
        await GrantAsync(api, "transactional", "sms", basis: "contract");

        var proof = await ProofAsync(api, contactId);
        Assert.True(proof.GetProperty("chainValid").GetBoolean());
        Assert.Equal(3, proof.GetProperty("consents").GetArrayLength());

        // Tampering as the table owner (the app role cannot UPDATE the ledger at all).
        await using (var conn = new NpgsqlConnection(app.Factory.ConnectionString))
        {
            await conn.OpenAsync();
            await ExecAsync(conn, $"SELECT set_config('app.tenant_id', '{tenant.Id}', false)");
            Assert.Equal(1, await ExecAsync(conn, "UPDATE consent_records SET legal_basis = 'legitimate_interest' WHERE seq = 2"));
        }

        proof = await ProofAsync(api, contactId);
        Assert.False(proof.GetProperty("chainValid").GetBoolean());
        Assert.Equal(2, proof.GetProperty("firstBrokenSeq").GetInt64());

        var audited = await tenant.WithDbAsync(db => db.AuditLog.CountAsync(a => a.EntityType == "consent_proof" && a.EntityIds == contactId.ToString()));
        Assert.Equal(2, audited);
    }

    [Fact]
    public async Task Proof_includes_the_exact_text_version_shown()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var version = await tenant.App.InTenantAsync(tenant.Id, async sp =>
        {
            var texts = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<PhoneCrm.Infrastructure.Consent.ConsentTexts>(sp);
            var (v, _) = await texts.CreateAsync(new PhoneCrm.Domain.Consent.ConsentTextContent("ООО «Ромашка»", "Москва, ул. Ленина, 1",
                "рассылка рекламы", "номер телефона", "сбор, хранение, использование", "3 года", "ответьте СТОП", "Я согласен…"), ["marketing"]);
            return v!;
        });

        var response = await api.PostAsync("/api/v1/consents", Json($$$"""
            {"phone":"{{{Phone}}}","purpose":"marketing","channel":"sms","legalBasis":"consent","textVersionId":"{{{version.Id}}}",
             "evidence":{"method":"web_form","formVersion":"checkout-v3"}}
            """));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var contactId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contactId").GetGuid();

        var proof = await ProofAsync(api, contactId);
        var text = Assert.Single(proof.GetProperty("textVersions").EnumerateArray());
        Assert.Equal("ООО «Ромашка»", text.GetProperty("operatorName").GetString());
        Assert.Equal(version.Hash, text.GetProperty("hash").GetString());
        Assert.True(text.GetProperty("hashMatches").GetBoolean());
        var evidence = proof.GetProperty("consents")[0].GetProperty("evidence");
        Assert.Equal(version.Hash, evidence.GetProperty("textHash").GetString());
        Assert.Equal("checkout-v3", evidence.GetProperty("formVersion").GetString());
        Assert.NotNull(await tenant.WithDbAsync(db => db.ConsentTextVersions.Where(v => v.Id == version.Id).Select(v => v.FirstUsedAt).SingleAsync()));
    }

    [Fact]
    public async Task Another_tenants_contact_is_404_for_history_and_proof()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();
        using var apiA = a.Api();
        using var apiB = b.Api();
        var contactId = await GrantAsync(apiA, "marketing", "sms");

        Assert.Equal(HttpStatusCode.NotFound, (await apiB.GetAsync($"/api/v1/contacts/{contactId}/consents")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await apiB.GetAsync($"/api/v1/contacts/{contactId}/consent-proof")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await apiB.GetAsync($"/api/v1/contacts/{Guid.NewGuid()}/consents")).StatusCode);
    }

    [Fact]
    public async Task The_app_role_cannot_update_or_delete_the_ledger()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await GrantAsync(api, "marketing", "sms");
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await ExecAsync(conn, $"SET ROLE phonecrm_app; SELECT set_config('app.tenant_id', '{tenant.Id}', false)");

        var update = await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(conn, "UPDATE consent_records SET ip = 'forged'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(conn, "DELETE FROM consent_records"));
        Assert.Equal("42501", update.SqlState);
        Assert.Equal("42501", delete.SqlState);
    }

    [Fact]
    public async Task Concurrent_grants_keep_one_gapless_chain()
    {
        var tenant = await app.CreateTenantAsync();
        var tasks = Enumerable.Range(0, 12).Select(async i =>
        {
            using var api = tenant.Api();
            await GrantAsync(api, "marketing", i % 2 == 0 ? "sms" : "voice", phone: $"+7916{1000000 + i}");
        });
        await Task.WhenAll(tasks);

        var seqs = await tenant.WithDbAsync(db => db.ConsentRecords.OrderBy(r => r.Seq).Select(r => r.Seq).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), seqs);
        using var check = tenant.Api();
        var anyContact = await tenant.WithDbAsync(db => db.ConsentRecords.Select(r => r.ContactId).FirstAsync());
        Assert.True((await ProofAsync(check, anyContact)).GetProperty("chainValid").GetBoolean());
    }

    private static async Task<Guid> GrantAsync(HttpClient api, string purpose, string channel, string? capturedAt = null,
        string basis = "consent", string phone = Phone)
    {
        var response = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone, purpose, channel, legalBasis = basis,
            evidence = new { method = "web_form", capturedAt, ip = "203.0.113.5", userAgent = "Mozilla/5.0", sourceUrl = "https://shop.example/checkout" },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contactId").GetGuid();
    }

    private static async Task<JsonElement> ProofAsync(HttpClient api, Guid contactId)
    {
        var response = await api.GetAsync($"/api/v1/contacts/{contactId}/consent-proof");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<int> ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteNonQueryAsync();
    }
}
