using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Access;

/// <summary>Both walls: EF filters in the app, and PostgreSQL row-level security underneath.</summary>
[Collection(AppCollection.Name)]
public sealed class TenantIsolationTests(AppFixture app)
{
    [Fact]
    public async Task Ef_queries_see_only_the_current_tenant()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();

        var keysSeenByA = await a.WithDbAsync(db => db.ApiKeys.Select(k => k.TenantId).Distinct().ToListAsync());
        var auditSeenByB = await b.WithDbAsync(db => db.AuditLog.Select(k => k.TenantId).Distinct().ToListAsync());

        Assert.Equal([a.Id], keysSeenByA);
        Assert.Equal([b.Id], auditSeenByB);
    }

    [Fact]
    public async Task Raw_sql_without_a_tenant_setting_sees_no_tenant_rows()
    {
        var a = await app.CreateTenantAsync();
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();

        // As the table owner (FORCE ROW LEVEL SECURITY applies to owners too) and as the app role.
        Assert.Equal(0L, await ScalarAsync(conn, "SELECT count(*) FROM api_keys"));
        await ExecAsync(conn, "SET ROLE phonecrm_app");
        Assert.Equal(0L, await ScalarAsync(conn, "SELECT count(*) FROM audit_log"));
        Assert.Equal(0L, await ScalarAsync(conn, "SELECT count(*) FROM memberships"));

        await ExecAsync(conn, $"SELECT set_config('app.tenant_id', '{a.Id}', false)");
        Assert.Equal(1L, await ScalarAsync(conn, "SELECT count(*) FROM api_keys"));
        Assert.Equal(0L, await ScalarAsync(conn, $"SELECT count(*) FROM api_keys WHERE tenant_id <> '{a.Id}'"));
    }

    [Fact]
    public async Task Rls_refuses_writing_a_row_for_another_tenant()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await ExecAsync(conn, $"SET ROLE phonecrm_app; SELECT set_config('app.tenant_id', '{a.Id}', false)");

        var e = await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(conn,
            $"INSERT INTO audit_log (tenant_id, at, actor, action, entity_type) VALUES ('{b.Id}', now(), 'x', 'x', 'x')"));
        Assert.Equal("42501", e.SqlState); // new row violates row-level security policy
    }

    [Fact]
    public async Task Audit_log_is_append_only_for_the_app()
    {
        var a = await app.CreateTenantAsync();
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await ExecAsync(conn, $"SET ROLE phonecrm_app; SELECT set_config('app.tenant_id', '{a.Id}', false)");

        var update = await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(conn, "UPDATE audit_log SET actor = 'forged'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(conn, "DELETE FROM audit_log"));
        Assert.Equal("42501", update.SqlState);
        Assert.Equal("42501", delete.SqlState);
    }

    [Fact]
    public async Task Every_tenant_table_is_keyed_by_tenant_and_forced_under_rls()
    {
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        var tables = await ListAsync(conn, """
            SELECT c.relname || ':' || c.relrowsecurity || ':' || c.relforcerowsecurity
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
            """);
        Assert.NotEmpty(tables);
        Assert.All(tables, t => Assert.EndsWith(":True:True", t, StringComparison.OrdinalIgnoreCase));

        // Primary keys and unique indexes of tenant tables include tenant_id.
        var badKeys = await ListAsync(conn, """
            SELECT c.relname || '.' || i.relname
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class c ON c.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND (x.indisprimary OR x.indisunique)
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
              AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                              AND a.attnum = ANY (x.indkey))
            """);
        Assert.Empty(badKeys);

        // Foreign keys between tenant tables carry tenant_id.
        var badForeignKeys = await ListAsync(conn, """
            SELECT con.conname
            FROM pg_constraint con
            JOIN pg_class src ON src.oid = con.conrelid
            JOIN pg_class dst ON dst.oid = con.confrelid
            JOIN pg_namespace n ON n.oid = src.relnamespace
            WHERE con.contype = 'f' AND n.nspname = 'public'
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = dst.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
              AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = src.oid AND a.attname = 'tenant_id'
                              AND a.attnum = ANY (con.conkey))
            """);
        Assert.Empty(badForeignKeys);
    }

    [Fact]
    public async Task Another_tenants_objects_answer_404_in_the_admin_ui()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();
        var memberOfA = await a.AddUserAsync(Role.Marketer);
        var keyOfA = await a.WithDbAsync(db => db.ApiKeys.Select(k => k.Id).FirstAsync());
        using var adminOfB = await b.SignInAsync(Role.Admin);

        var roles = await adminOfB.PostFormAsync($"/settings/users/{memberOfA.Id}/roles", new() { ["roles"] = "Admin" }, "/");
        var revoke = await adminOfB.PostFormAsync($"/settings/api-keys/{keyOfA}/revoke", new(), "/");

        Assert.Equal(HttpStatusCode.NotFound, roles.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        var untouched = await a.WithDbAsync(db => db.Memberships.SingleAsync(m => m.UserId == memberOfA.Id));
        Assert.Equal([Role.Marketer], untouched.Roles);
        Assert.Null(await a.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == keyOfA).Select(k => k.RevokedAt).SingleAsync()));
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await reader.ReadAsync()) list.Add(reader.GetString(0));
        return list;
    }
}
