using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Platform;

/// <summary>Key rotation that cannot lose data (issue 12 item 2).</summary>
[Collection(AppCollection.Name)]
public sealed class KeyRotationSafetyTests(AppFixture app)
{
    [Fact]
    public async Task Every_encrypted_column_in_the_database_is_re_encrypted_by_rotation()
    {
        var covered = PiiRotation.Tables.SelectMany(t => t.Columns.Select(c => $"{t.Name}.{c.Column}")).ToHashSet();
        var missing = (await EncryptedColumnsAsync()).Where(c => !covered.Contains(c)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public async Task After_rotation_and_a_restart_every_tenants_data_decrypts_and_the_old_key_is_used_nowhere()
    {
        var ring = app.Factory.Services.GetRequiredService<PiiKeyRing>();
        var tenants = new[] { await app.CreateTenantAsync(), await app.CreateTenantAsync() };
        foreach (var (tenant, i) in tenants.Select((t, i) => (t, i)))
        {
            using var api = tenant.Api();
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/contacts",
                new { phone = $"+7916777{i}001", firstName = "Вера", email = $"vera{i}@example.ru" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/sms/inbound",
                new { from = $"+7916777{i}001", to = "PhoneCrm", text = "Когда доставка?", receivedAt = DateTimeOffset.UtcNow })).StatusCode);
            Assert.True((await api.PostAsJsonAsync("/api/v1/subject-requests",
                new { type = "access", phone = $"+7916777{i}001", fullName = "Вера", channel = "phone" })).IsSuccessStatusCode);
            await app.InTenantAsync(tenant.Id, async sp =>
            {
                await sp.GetRequiredService<SmsSettingsStore>().SaveAsync("Smsc", "Shop", 1m, "login", $"secret-{i}", CancellationToken.None);
                return 0;
            });
        }

        var before = ring.ActiveKeyId;
        using (var ops = app.Session())
        {
            await ops.SignInAsync(await app.CreatePlatformOperatorAsync());
            Assert.Equal(HttpStatusCode.Redirect, (await ops.PostFormAsync("/platform/encryption/rotate", new(), "/platform/encryption")).StatusCode);
            var active = ring.ActiveKeyId;
            Assert.NotEqual(before, active);
            // Persisted before use: the key file already holds the new active key.
            Assert.Equal(active, PiiKeyRing.Load(new ProtectionOptions { KeyFile = app.Factory.KeyFile }, app.Factory.KeyFile).ActiveKeyId);

            // Every tenant the whole suite made is re-encrypted; the status page counts across all of them on each look.
            var deadline = DateTime.UtcNow.AddSeconds(300);
            string page;
            while (!(page = await (await ops.GetAsync("/platform/encryption")).Content.ReadAsStringAsync())
                       .Contains($"data-key=\"{before}\" data-values=\"0\" data-safe-to-retire=\"true\"", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, "the old key still protects values");
                await Task.Delay(2000);
            }
        }

        foreach (var tenant in tenants)
            Assert.Equal([ring.ActiveKeyId], await KeyIdsAsync(tenant.Id));
        // The sign-in keys too (at least one exists: the operator above signed in with a protected cookie).
        Assert.Equal([ring.ActiveKeyId], await DataProtectionKeyIdsAsync());

        // A restart: a new process reads the key file alone and every tenant's data decrypts.
        await using var restarted = await WebProcess.StartAsync(app.Factory);
        foreach (var (tenant, i) in tenants.Select((t, i) => (t, i)))
        {
            using var api = restarted.Client(tenant.ApiKey);
            var found = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone=+7916777{i}001");
            Assert.Equal($"vera{i}@example.ru", found.GetProperty("items")[0].GetProperty("email").GetString());
            var inbox = await api.GetAsync("/api/v1/sms/inbound");
            Assert.True(inbox.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{inbox.StatusCode}");
        }
    }

    [Fact]
    public async Task A_tampered_value_stays_under_its_old_key_and_the_pass_still_re_encrypts_every_table_after_it()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/contacts",
            new { phone = "+79167779901", firstName = "Ада", email = "ada@example.ru" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/sms/inbound",
            new { from = "+79167779901", to = "PhoneCrm", text = "Стоп", receivedAt = DateTimeOffset.UtcNow })).StatusCode);
        // contacts is the first table of the pass, sms_inbound a later one; a corrupt value (no header at all) in a third.
        await AsTenantAsync(tenant.Id, """
            UPDATE contacts SET email_cipher = set_byte(email_cipher, length(email_cipher) - 1, get_byte(email_cipher, length(email_cipher) - 1) # 1);
            UPDATE sms_inbound SET text_cipher = '\x01'::bytea;
            """);
        var before = app.Factory.Services.GetRequiredService<PiiKeyRing>().ActiveKeyId;

        using var ops = app.Session();
        await ops.SignInAsync(await app.CreatePlatformOperatorAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await ops.PostFormAsync("/platform/encryption/rotate", new(), "/platform/encryption")).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        // Everything readable moves to the new key (sms_inbound's sender too, after the tampered table); the tampered email stays.
        while ((await KeyCountsAsync(tenant.Id)).GetValueOrDefault(before) != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"still under {before}: {(await KeyCountsAsync(tenant.Id)).GetValueOrDefault(before)}");
            await Task.Delay(500);
        }

        var active = app.Factory.Services.GetRequiredService<PiiKeyRing>().ActiveKeyId;
        Assert.Equal(new[] { active, before }.Order(StringComparer.Ordinal), await KeyIdsAsync(tenant.Id));
        var page = await (await ops.GetAsync("/platform/encryption")).Content.ReadAsStringAsync();
        Assert.Contains($"data-key=\"{before}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-key=\"{before}\" data-values=\"0\"", page, StringComparison.Ordinal);
    }

    private async Task AsTenantAsync(Guid tenantId, string sql)
    {
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT set_config('app.tenant_id', '{tenantId}', false); {sql}", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public void Rotation_with_keys_from_configuration_is_refused_with_the_runbook()
    {
        var options = new ProtectionOptions
        {
            ActiveKeyId = "k1",
            Keys = new() { ["k1"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) },
            IndexKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        var ring = PiiKeyRing.Load(options, "/nonexistent/pii-keys.json");
        var refused = Assert.Throws<PiiRotationRefusedException>(() => ring.Rotate());
        Assert.Contains("Protection:ActiveKeyId", refused.Message, StringComparison.Ordinal);
        Assert.Equal("k1", ring.ActiveKeyId);
        Assert.Equal(["k1"], ring.KeyIds);
    }

    /// <summary>Every bytea column whose name says it holds a ciphertext, from the catalog: the rotation's list must not lag behind it.</summary>
    private async Task<List<string>> EncryptedColumnsAsync()
    {
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT table_name || '.' || column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type = 'bytea' AND (column_name LIKE '%\_cipher' OR column_name LIKE '%\_enc')
            ORDER BY 1
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var columns = new List<string>();
        while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
        Assert.NotEmpty(columns);
        return columns;
    }

    private async Task<List<string>> KeyIdsAsync(Guid tenantId) => [.. (await KeyCountsAsync(tenantId)).Keys];

    /// <summary>Values per key id in every encrypted column of one tenant, read straight from the ciphertext headers (too short for one: skipped).</summary>
    private async Task<SortedDictionary<string, long>> KeyCountsAsync(Guid tenantId)
    {
        var union = string.Join(" UNION ALL ", (await EncryptedColumnsAsync()).Select(c => c.Split('.')).Select(c => $"SELECT {c[1]} FROM {c[0]} WHERE tenant_id = '{tenantId}'"));
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await using (var asTenant = new NpgsqlCommand($"SELECT set_config('app.tenant_id', '{tenantId}', false)", conn))
            await asTenant.ExecuteNonQueryAsync();
        await using var cmd = new NpgsqlCommand(
            $"SELECT convert_from(substring(c from 3 for get_byte(c, 1)), 'UTF8'), count(*) FROM ({union}) x(c) WHERE length(c) > 2 GROUP BY 1", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private async Task<List<string>> DataProtectionKeyIdsAsync()
    {
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT xml FROM data_protection_keys", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var pii = app.Factory.Services.GetRequiredService<PiiProtector>();
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            var match = System.Text.RegularExpressions.Regex.Match(reader.GetString(0), "<piiEncryptedKey[^>]*>([^<]+)</piiEncryptedKey>");
            if (match.Success) ids.Add(pii.KeyIdOf(Convert.FromBase64String(match.Groups[1].Value)) ?? "?");
        }

        return [.. ids];
    }
}
