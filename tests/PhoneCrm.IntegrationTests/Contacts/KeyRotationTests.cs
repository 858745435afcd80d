using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Contacts;

[Collection(AppCollection.Name)]
public sealed class KeyRotationTests(AppFixture app)
{
    [Fact]
    public async Task Rotation_reencrypts_every_contact_and_subject_request_in_the_background_and_data_stays_readable()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        for (var i = 0; i < 30; i++)
        {
            var r = await api.PostAsJsonAsync("/api/v1/contacts", new { phone = $"+7916555{i:0000}", firstName = "Анна", email = $"a{i}@example.ru" });
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        var request = await api.PostAsJsonAsync("/api/v1/subject-requests", new { type = "access", phone = "+79165559999", fullName = "Анна", channel = "phone" });
        var requestId = (await request.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var ops = app.Session();
        await ops.SignInAsync(await app.CreatePlatformOperatorAsync());
        var before = await KeyIdsAsync(tenant.Id);
        var rotate = await ops.PostFormAsync("/platform/encryption/rotate", new(), "/platform/encryption");
        Assert.Equal(HttpStatusCode.Redirect, rotate.StatusCode);
        var page = await (await ops.GetAsync("/platform/encryption")).Content.ReadAsStringAsync();
        var active = System.Text.RegularExpressions.Regex.Match(page, "id=\"active-key\">([^<]+)<").Groups[1].Value;
        Assert.DoesNotContain(active, before);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await KeyIdsAsync(tenant.Id)).Any(k => k != active))
        {
            Assert.True(DateTime.UtcNow < deadline, "contacts were not re-encrypted");
            await Task.Delay(250);
        }

        var found = await api.GetFromJsonAsync<JsonElement>("/api/v1/contacts?phone=89165550007");
        Assert.Equal("a7@example.ru", found.GetProperty("items")[0].GetProperty("email").GetString());
        Assert.Equal("+79165559999", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests/{requestId}")).GetProperty("phone").GetString());
    }

    /// <summary>Key ids of the stored phones, read straight from the ciphertext header.</summary>
    private async Task<List<string>> KeyIdsAsync(Guid tenantId)
    {
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"""
            SELECT set_config('app.tenant_id', '{tenantId}', false);
            SELECT DISTINCT convert_from(substring(c from 3 for get_byte(c, 1)), 'UTF8')
            FROM (SELECT phone_cipher FROM contacts UNION ALL SELECT email_cipher FROM contacts WHERE email_cipher IS NOT NULL
                  UNION ALL SELECT phone_cipher FROM subject_requests WHERE phone_cipher IS NOT NULL) x(c)
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.NextResultAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
        return ids;
    }
}
