using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Database;

/// <summary>
/// Applies EF migrations as the connection's own (owner) role, then the security layer: the non-owner
/// application role, its grants, and row-level security on every table that has a tenant_id column —
/// found from the catalog, so a table added later cannot be forgotten.
/// </summary>
public sealed class DatabaseMigrator(string connectionString, ILogger<DatabaseMigrator> logger)
{
    /// <summary>Tables whose policy is not the plain tenant match.</summary>
    private static readonly Dictionary<string, string> _customPolicies = new()
    {
        // A signing-in user reads their own memberships before a tenant is chosen.
        ["memberships"] = "tenant_id = app_current_tenant() OR user_id = app_current_user()",
    };

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        var options = new DbContextOptionsBuilder<PhoneCrmDbContext>()
            // No statement timeout: a migration that fills a new table from a large one (ContactSearchTokens: ~12 keys per
            // contact) runs for minutes at a million contacts, and a timeout would only make the node retry it from scratch.
            .UseNpgsql(MigratorConnectionString(connectionString), o => o.MigrationsHistoryTable("__ef_migrations_history").CommandTimeout(0))
            .UseSnakeCaseNamingConvention()
            .Options;
        await using (var db = new PhoneCrmDbContext(options, new TenantContext()))
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0) logger.LogInformation("Applying {Count} migration(s)", pending.Count);
            await db.Database.MigrateAsync(ct);
        }

        await ApplySecurityAsync(ct);
        await using var conn = new NpgsqlConnection(MigratorConnectionString(connectionString));
        await conn.OpenAsync(ct);
        await new PhoneCrm.Infrastructure.Consent.ConsentChainUpgrade(logger).RunAsync(conn, ct);
    }

    /// <summary>True when every migration is applied (the readiness check).</summary>
    public static async Task<bool> IsMigratedAsync(PhoneCrmDbContext db, CancellationToken ct) =>
        !(await db.Database.GetPendingMigrationsAsync(ct)).Any();

    /// <summary>Migrations use their own pool so the owner role never leaks into app connections.</summary>
    public static string MigratorConnectionString(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "phonecrm-migrator" }.ConnectionString;

    private async Task ApplySecurityAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(MigratorConnectionString(connectionString));
        await conn.OpenAsync(ct);
        await Sql.ExecAsync(conn, $"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{TenantConnectionInterceptor.AppRole}') THEN
                CREATE ROLE {TenantConnectionInterceptor.AppRole} NOLOGIN NOSUPERUSER NOBYPASSRLS;
              END IF;
              -- A login without CREATEROLE (docker compose: deploy/postgres-init) was made a member beforehand.
              IF NOT pg_has_role(current_user, '{TenantConnectionInterceptor.AppRole}', 'MEMBER') THEN
                GRANT {TenantConnectionInterceptor.AppRole} TO CURRENT_USER;
              END IF;
            END $$;
            -- PARALLEL SAFE: every tenant query carries this policy, and an unsafe function keeps all of them (segment
            -- counts, campaign planning) off parallel plans; workers receive the leader's settings, app.tenant_id included.
            CREATE OR REPLACE FUNCTION app_current_tenant() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS
              $f$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $f$;
            CREATE OR REPLACE FUNCTION app_current_user() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS
              $f$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $f$;
            GRANT USAGE ON SCHEMA public TO {TenantConnectionInterceptor.AppRole};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {TenantConnectionInterceptor.AppRole};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {TenantConnectionInterceptor.AppRole};
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {TenantConnectionInterceptor.AppRole};
            -- Append-only: the app may add audit records, never change or remove them.
            REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {TenantConnectionInterceptor.AppRole};
            -- The consent ledger is evidence: appended, never rewritten. Text versions are cited by it, so never removed.
            REVOKE UPDATE, DELETE, TRUNCATE ON consent_records FROM {TenantConnectionInterceptor.AppRole};
            REVOKE UPDATE, DELETE, TRUNCATE ON consent_chain_checkpoints FROM {TenantConnectionInterceptor.AppRole};
            REVOKE DELETE, TRUNCATE ON consent_text_versions FROM {TenantConnectionInterceptor.AppRole};
            -- Erasure (ContactErasure, docs/erasure.md) is the one exception to both, through two functions that run as the
            -- owner and can only blank: the personal evidence of a contact's consent records (the chain hash covers the
            -- evidence's salted digest, so the ledger still verifies), and given fragments of an audit entry's details
            -- (each replaced by a fixed marker, so nothing can be written into the log this way). Row-level security
            -- still applies inside them: the caller's tenant only.
            CREATE OR REPLACE FUNCTION consent_erase_evidence(p_tenant uuid, p_contact uuid, p_at timestamptz) RETURNS integer
              LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
              DECLARE n integer;
              BEGIN
                UPDATE consent_records SET ip = NULL, user_agent = NULL, source_url = NULL, recording_id = NULL,
                  paper_reference = NULL, evidence_salt = NULL, evidence_erased_at = p_at
                WHERE tenant_id = p_tenant AND contact_id = p_contact AND evidence_digest IS NOT NULL AND evidence_erased_at IS NULL;
                GET DIAGNOSTICS n = ROW_COUNT;
                RETURN n;
              END $f$;
            CREATE OR REPLACE FUNCTION audit_erase_values(p_tenant uuid, p_id bigint, p_fragments text[], p_erase_ip boolean)
              RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
              DECLARE d text; f text; n integer;
              BEGIN
                SELECT details INTO d FROM audit_log WHERE tenant_id = p_tenant AND id = p_id;
                FOREACH f IN ARRAY coalesce(p_fragments, ARRAY[]::text[]) LOOP
                  IF length(f) > 0 THEN d := replace(d, f, '[erased]'); END IF;
                END LOOP;
                UPDATE audit_log SET details = d, ip = CASE WHEN p_erase_ip THEN NULL ELSE ip END
                WHERE tenant_id = p_tenant AND id = p_id;
                GET DIAGNOSTICS n = ROW_COUNT;
                RETURN n;
              END $f$;
            REVOKE ALL ON FUNCTION consent_erase_evidence(uuid, uuid, timestamptz) FROM PUBLIC;
            REVOKE ALL ON FUNCTION audit_erase_values(uuid, bigint, text[], boolean) FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION consent_erase_evidence(uuid, uuid, timestamptz) TO {TenantConnectionInterceptor.AppRole};
            GRANT EXECUTE ON FUNCTION audit_erase_values(uuid, bigint, text[], boolean) TO {TenantConnectionInterceptor.AppRole};
            """, ct);

        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
            ORDER BY 1
            """, conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) tables.Add(reader.GetString(0));
        }

        foreach (var table in tables)
        {
            var predicate = _customPolicies.GetValueOrDefault(table, "tenant_id = app_current_tenant()");
            await Sql.ExecAsync(conn, $"""
                ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY;
                ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY;
                DROP POLICY IF EXISTS tenant_isolation ON "{table}";
                CREATE POLICY tenant_isolation ON "{table}" USING ({predicate}) WITH CHECK ({predicate});
                """, ct);
        }

        logger.LogInformation("Row-level security applied to {Count} tenant tables", tables.Count);
    }
}
