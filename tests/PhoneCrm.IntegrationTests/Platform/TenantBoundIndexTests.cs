using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Platform;

/// <summary>Tenant-bound blind indexes and their migration from the platform-wide version 1 (issue 12 item 3).</summary>
[Collection(AppCollection.Name)]
public sealed class TenantBoundIndexTests(AppFixture app)
{
    private const string Phone = "+79165550101";
    private const string ErasedPhone = "+79165550199";

    [Fact]
    public async Task The_same_number_has_different_indexes_in_two_tenants()
    {
        var indexes = new List<byte[]>();
        foreach (var tenant in new[] { await app.CreateTenantAsync(), await app.CreateTenantAsync() })
        {
            using var api = tenant.Api();
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/contacts", new { phone = Phone })).StatusCode);
            indexes.Add(await ScalarAsync<byte[]>(tenant.Id, "SELECT phone_index FROM contacts WHERE {tenant}"));
        }

        Assert.All(indexes, i => Assert.Equal(BlindIndex.Size, i.Length));
        Assert.NotEqual(indexes[0], indexes[1]);
    }

    [Fact]
    public async Task Every_stored_blind_index_in_the_database_is_migrated()
    {
        var covered = BlindIndexMigration.Columns.Select(c => $"{c.Table}.{c.Column}").ToHashSet();
        var stored = await CatalogAsync("""
            SELECT table_name || '.' || column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('bytea', 'ARRAY')
              AND (column_name LIKE '%\_index' OR column_name LIKE '%\_indexes' OR column_name = 'phone_hash')
            """);
        Assert.NotEmpty(stored);
        var missing = stored.Where(c => !covered.Contains(c)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public async Task A_version_1_tenant_migrates_in_the_background_resumably_and_lookups_work_before_during_and_after()
    {
        var tenant = await app.CreateTenantAsync();
        await ExecAsync($"UPDATE tenants SET blind_index_version = 1 WHERE id = '{tenant.Id}'");
        using var api = tenant.Api();
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/contacts",
            new { phone = Phone, firstName = "Вера", lastName = "Полякова", email = "vera@example.ru" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/sms/inbound",
            new { from = Phone, to = "PhoneCrm", text = "Когда доставка?", receivedAt = DateTimeOffset.UtcNow })).StatusCode);
        await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ContactErasure>()
            .EraseNumberAsync(ErasedPhone, null, DestructionReason.SubjectRequest, null));
        // Written as version 1: the platform-wide index (16 bytes) and the old tombstone (32).
        Assert.Equal(BlindIndex.LegacySize, (await ScalarAsync<byte[]>(tenant.Id, "SELECT phone_index FROM contacts WHERE {tenant}")).Length);
        Assert.Equal(TenantBlindIndex.LegacyTombstoneSize, (await ScalarAsync<byte[]>(tenant.Id, "SELECT phone_hash FROM erasure_tombstones WHERE {tenant}")).Length);
        await AssertLookupsWorkAsync(tenant);
        var before = await ProgressAsync();
        Assert.True(before.Bound < before.Tenants);
        Assert.True(before.LegacyValues >= 4, $"{before.LegacyValues}");

        // Killed midway: sms_inbound (late in the walk) is locked by another transaction, so the pass has rewritten contacts
        // and waits there; lookups still work meanwhile, and the kill leaves the tenant exactly as it was.
        await using (var blocker = new NpgsqlConnection(app.Factory.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var tx = await blocker.BeginTransactionAsync();
            await Exec(blocker, $"SELECT set_config('app.tenant_id', '{tenant.Id}', false); SELECT 1 FROM sms_inbound WHERE tenant_id = '{tenant.Id}' FOR UPDATE");
            using var kill = new CancellationTokenSource();
            var run = RunJobAsync(tenant.Id, kill.Token);
            await WaitUntilBlockedAsync();
            await AssertLookupsWorkAsync(tenant);
            await kill.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => run);
            await tx.RollbackAsync();
        }

        Assert.Equal(1, await ScalarAsync<int>(null, $"SELECT blind_index_version FROM tenants WHERE id = '{tenant.Id}'"));
        Assert.Equal(BlindIndex.LegacySize, (await ScalarAsync<byte[]>(tenant.Id, "SELECT phone_index FROM contacts WHERE {tenant}")).Length);
        await AssertLookupsWorkAsync(tenant);

        // Resumed: the next run switches the tenant; everything is bound, and a run after it changes nothing.
        // The contact's four indexes, the reply's sender and the tombstone at least.
        Assert.InRange(await RunJobAsync(tenant.Id, CancellationToken.None), 6, 100);
        Assert.Equal(2, await ScalarAsync<int>(null, $"SELECT blind_index_version FROM tenants WHERE id = '{tenant.Id}'"));
        Assert.Equal(BlindIndex.Size, (await ScalarAsync<byte[]>(tenant.Id, "SELECT phone_index FROM contacts WHERE {tenant}")).Length);
        Assert.Equal(TenantBlindIndex.TombstoneSize, (await ScalarAsync<byte[]>(tenant.Id, "SELECT phone_hash FROM erasure_tombstones WHERE {tenant}")).Length);
        Assert.Equal(0L, await ScalarAsync<long>(tenant.Id,
            "SELECT count(*) FROM contacts, unnest(name_token_indexes) e WHERE {tenant} AND length(e) <> " + BlindIndex.Size));
        await AssertLookupsWorkAsync(tenant);
        var after = await ProgressAsync();
        Assert.Equal(0L, after.LegacyValues);
        Assert.Equal(after.Tenants, after.Bound);
        Assert.Equal(0, await RunJobAsync(tenant.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_value_moved_to_another_column_is_reported_not_a_500()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var created = await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79165550177", firstName = "Ирина", email = "irina@example.ru" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // The first name's and the email's ciphertexts swapped: neither column's context authenticates the other's value.
        var swap = $"SELECT set_config('app.tenant_id', '{tenant.Id}', false); UPDATE contacts SET email_cipher = first_name_cipher, first_name_cipher = email_cipher WHERE id = '{id}'";
        await ExecAsync(swap);
        try
        {
            var viaApi = await api.GetAsync($"/api/v1/contacts/{id}");
            Assert.Equal(HttpStatusCode.Conflict, viaApi.StatusCode);
            Assert.Equal("application/problem+json", viaApi.Content.Headers.ContentType?.MediaType);
            using var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Admin);
            var page = await session.GetAsync($"/contacts/{id}");
            Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
            Assert.Contains("409", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            // Swapped back: a value nobody can decrypt would keep its key from ever retiring (the whole-suite rotation test).
            await ExecAsync(swap);
        }

        Assert.Equal("irina@example.ru", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{id}")).GetProperty("email").GetString());
    }

    /// <summary>The number, the email and a name word find the contact; the erased number is still known as erased.</summary>
    private async Task AssertLookupsWorkAsync(TestTenant tenant)
    {
        using var api = tenant.Api();
        var found = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(Phone)}");
        Assert.Equal("vera@example.ru", found.GetProperty("items")[0].GetProperty("email").GetString());
        await app.InTenantAsync(tenant.Id, async sp =>
        {
            var contacts = sp.GetRequiredService<ContactService>();
            Assert.Single(await contacts.FindByEmailAsync("Vera@Example.ru", ContactScope.Full));
            var index = await sp.GetRequiredService<BlindIndex>().ForTenantAsync(sp.GetRequiredService<PhoneCrmDbContext>(), CancellationToken.None);
            Assert.True(await sp.GetRequiredService<ErasureTombstones>().IsTombstonedAsync(index.Phone(ErasedPhone), CancellationToken.None));
            var db = sp.GetRequiredService<PhoneCrmDbContext>();
            var phoneIndex = index.Phone(Phone);
            Assert.Equal(1, await db.InboundSms.CountAsync(m => m.FromIndex == phoneIndex));
            var word = index.NameSearch("Полякова")!;
            Assert.Equal(1, await db.Contacts.CountAsync(c => c.NameTokenIndexes.Contains(word)));
            return 0;
        });
    }

    private Task<int> RunJobAsync(Guid tenantId, CancellationToken ct) => app.InTenantAsync(tenantId,
        sp => sp.GetRequiredService<TenantJobRunner>().RunTenantAsync(BlindIndexMigration.JobId, tenantId, ct));

    private Task<BlindIndexMigration.Progress> ProgressAsync() =>
        app.InTenantAsync(Guid.Empty, sp => sp.GetRequiredService<BlindIndexMigration>().ProgressAsync(CancellationToken.None));

    private async Task WaitUntilBlockedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await ScalarAsync<long>(null, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE sms_inbound%'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the migration never reached sms_inbound");
            await Task.Delay(100);
        }
    }

    private async Task<List<string>> CatalogAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    /// <summary>A value read as <paramref name="tenantId"/> (row-level security), which also fills <c>{tenant}</c>.</summary>
    private async Task<T> ScalarAsync<T>(Guid? tenantId, string sql)
    {
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        if (tenantId is { } t) await Exec(conn, $"SELECT set_config('app.tenant_id', '{t}', false)");
        sql = sql.Replace("{tenant}", $"tenant_id = '{tenantId}'", StringComparison.Ordinal);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task ExecAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await Exec(conn, sql);
    }

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
