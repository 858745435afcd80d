using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Operations;

/// <summary>
/// A control character in any string input is a 400 naming the field, never a 500: PostgreSQL refuses NUL in text,
/// and a fuzz run of 1,463 malformed requests found exactly that on <c>purpose</c> (consents and campaigns).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ControlCharactersApiTests(AppFixture app)
{
    [Theory]
    [InlineData("/api/v1/consents",
        """{"phone":"+79161234567","purpose":"market\u0000ing","channel":"sms","legalBasis":"consent","evidence":{"method":"api"}}""", "purpose")]
    [InlineData("/api/v1/campaigns",
        """{"name":"Весна","segmentId":"00000000-0000-0000-0000-000000000001","purpose":"\u0000","text":"Скидка. Отписка: СТОП"}""", "purpose")]
    [InlineData("/api/v1/contacts", """{"phone":"+79161234567","firstName":"Ив\u0000ан"}""", "firstName")]
    [InlineData("/api/v1/contacts", """{"phone":"+79161234567","tags":["garden","to\u0000ols"]}""", "tags[1]")]
    [InlineData("/api/v1/contacts", """{"phone":"+79161234567","attributes":{"level":"go\u0007ld"}}""", "attributes.level")]
    [InlineData("/api/v1/consents",
        """{"phone":"+79161234567","purpose":"marketing","channel":"sms","legalBasis":"consent","evidence":{"method":"api","userAgent":"x\u001b[0m"}}""",
        "evidence.userAgent")]
    [InlineData("/api/v1/events",
        """{"type":"order_placed","externalId":"o-1","phone":"+79161234567","occurredAt":"2026-11-01T10:00:00Z","data":{"orderId":"o\u0000"}}""",
        "data.orderId")]
    public async Task Control_character_in_a_string_is_400_naming_the_field(string url, string json, string field)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), body);
        Assert.Equal("Control characters are not allowed.", messages[0].GetString());
    }

    [Fact]
    public async Task Line_breaks_and_tabs_stay_legitimate_where_text_is_multi_line()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsJsonAsync("/api/v1/contacts",
            new { phone = "+79161234567", attributes = new { note = "Строка 1\r\nСтрока 2\tконец" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
