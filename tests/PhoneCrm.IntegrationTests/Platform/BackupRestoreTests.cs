using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Platform;

/// <summary>Issue 18 item 4: a sealed backup restores into an empty database and reads back; nothing else restores it.</summary>
[Collection(AppCollection.Name)]
public sealed class BackupRestoreTests(AppFixture app)
{
    [Fact]
    public async Task A_backup_restores_into_an_empty_database_and_a_contact_reads_back_and_is_refused_anywhere_else()
    {
        var tenant = await app.CreateTenantAsync();
        using (var api = tenant.Api())
        {
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/contacts",
                new { phone = "+79165554433", firstName = "Зинаида", email = "zina@example.ru" })).StatusCode);
        }

        var super = TestDatabase.SuperuserConnectionString("postgres");
        Assert.True(super is not null, "needs the private test cluster's superuser (PHONECRM_TEST_DATABASE points elsewhere)");
        var source = new NpgsqlConnectionStringBuilder(app.Factory.ConnectionString);
        var backupRole = new Dictionary<string, string> { ["ConnectionStrings__Backup"] = super! };
        var file = Path.Combine(Path.GetTempPath(), $"phonecrm-{Guid.NewGuid():N}.backup");
        try
        {
            var (code, stdout, stderr) = await WebProcess.RunAsync(app.Factory, backupRole, "backup", "--out", file);
            Assert.True(code == 0, stderr);
            Assert.Equal(new FileInfo(file).Length, JsonDocument.Parse(stdout.Trim()).RootElement.GetProperty("bytes").GetInt64());
            var sealedBytes = await File.ReadAllBytesAsync(file);
            Assert.Equal("PCRMBAK1"u8.ToArray(), sealedBytes[..8]);
            // Sealed: neither pg_dump's own header nor a user's email (plain text in the database) is anywhere in the file.
            Assert.Equal(-1, sealedBytes.AsSpan().IndexOf("PGDMP"u8));
            Assert.Equal(-1, sealedBytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(tenant.AdminEmail)));

            var restored = await CreateDatabaseAsync(super!, source.Username!);
            var target = new Dictionary<string, string>(backupRole) { ["ConnectionStrings__PhoneCrm"] = restored };
            (code, _, stderr) = await WebProcess.RunAsync(app.Factory, target, "restore", "--in", file);
            Assert.True(code == 0, stderr);

            await using (var web = await WebProcess.StartAsync(app.Factory, target))
            {
                using var api = web.Client(tenant.ApiKey);
                var found = await api.GetFromJsonAsync<JsonElement>("/api/v1/contacts?phone=89165554433");
                var contact = found.GetProperty("items")[0];
                Assert.Equal(("Зинаида", "zina@example.ru"), (contact.GetProperty("firstName").GetString(), contact.GetProperty("email").GetString()));
            }

            // Never over data: a second restore into the same (now full) database is refused and changes nothing.
            (code, _, stderr) = await WebProcess.RunAsync(app.Factory, target, "restore", "--in", file);
            Assert.Equal(2, code);
            Assert.Contains("not empty", stderr, StringComparison.Ordinal);

            // An altered byte anywhere in the data: refused, and the empty database stays empty.
            sealedBytes[sealedBytes.Length / 2] ^= 0x01;
            await File.WriteAllBytesAsync(file, sealedBytes);
            var another = await CreateDatabaseAsync(super!, source.Username!);
            (code, _, stderr) = await WebProcess.RunAsync(app.Factory,
                new Dictionary<string, string>(backupRole) { ["ConnectionStrings__PhoneCrm"] = another }, "restore", "--in", file);
            Assert.Equal(2, code);
            Assert.Contains("altered or damaged", stderr, StringComparison.Ordinal);
            Assert.Equal(0L, await ScalarAsync(another, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Without_a_role_that_sees_every_tenant_the_backup_says_what_to_set()
    {
        var file = Path.Combine(Path.GetTempPath(), $"phonecrm-{Guid.NewGuid():N}.backup");
        var (code, _, stderr) = await WebProcess.RunAsync(app.Factory, "backup", "--out", file);
        Assert.Equal(2, code);
        Assert.Contains("ConnectionStrings__Backup", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    /// <summary>A new empty database owned by the application's login, on the same server.</summary>
    private static async Task<string> CreateDatabaseAsync(string super, string owner)
    {
        var name = $"restored_{Guid.NewGuid():N}"[..24];
        await using (var conn = new NpgsqlConnection(super))
        {
            await conn.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} OWNER {owner}", conn);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(await TestDatabase.GetConnectionStringAsync()) { Database = name }.ConnectionString;
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
