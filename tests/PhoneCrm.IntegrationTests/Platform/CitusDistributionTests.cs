using System.Text;
using Npgsql;
using PhoneCrm.IntegrationTests.Infrastructure;
using PhoneCrm.IntegrationTests.Operations;
using YamlDotNet.RepresentationModel;

namespace PhoneCrm.IntegrationTests.Platform;

/// <summary>
/// Beyond one database server (issue 18 item 5): <c>deploy/citus/distribute.sql</c> distributes every tenant table by
/// tenant_id, co-located, and makes every other table of the schema a reference table. The script is generated from the
/// migrated catalog here and compared with the file, so a new table cannot be forgotten: on a difference the test fails,
/// and <c>PHONECRM_WRITE_CITUS=1</c> rewrites the file. The keys' precondition (primary, unique and foreign keys of
/// tenant tables include tenant_id) is <c>TenantIsolationTests</c>; the foreign keys' alignment Citus needs is here.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class CitusDistributionTests(AppFixture app)
{
    /// <summary>Local to the coordinator: the migrations' own bookkeeping.</summary>
    private static readonly string[] LocalTables = ["__ef_migrations_history"];

    /// <summary>
    /// Tables without tenant_id that are looked up by a key of their own before any tenant is known, and written per
    /// message: distributed by that key (a reference table would copy every write to every node). short_links: /r/{code}.
    /// </summary>
    private static readonly Dictionary<string, string> ByOwnKey = new(StringComparer.Ordinal) { ["short_links"] = "code" };

    [Fact]
    public async Task The_distribution_script_names_every_table_of_the_catalog_in_an_order_citus_accepts()
    {
        var catalog = await ReadCatalogAsync();
        Assert.NotEmpty(catalog.TenantTables);

        // Co-location needs one distribution column type, and each foreign key between tenant tables to pair tenant_id
        // with tenant_id; a reference table cannot point at a distributed one.
        Assert.Equal(["uuid"], catalog.TenantIdTypes);
        Assert.Empty(catalog.ForeignKeys.Where(f => catalog.TenantTables.Contains(f.To) && catalog.TenantTables.Contains(f.From) && !f.TenantAligned)
            .Select(f => f.Name));
        Assert.Empty(catalog.ForeignKeys.Where(f => catalog.TenantTables.Contains(f.To) && !catalog.TenantTables.Contains(f.From)).Select(f => f.Name));

        var expected = Script(catalog);
        var path = Path.Combine(DeploymentDefaultsTests.RepositoryRoot(), "deploy", "citus", "distribute.sql");
        if (Environment.GetEnvironmentVariable("PHONECRM_WRITE_CITUS") == "1") await File.WriteAllTextAsync(path, expected);
        var actual = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";
        Assert.True(expected == actual,
            $"deploy/citus/distribute.sql is stale: run this test with PHONECRM_WRITE_CITUS=1 to regenerate it.\n{expected}");
    }

    [Fact]
    public void The_citus_compose_file_makes_the_database_the_coordinator_and_gives_every_node_the_apps_login()
    {
        var root = DeploymentDefaultsTests.RepositoryRoot();
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(root, "deploy", "citus", "docker-compose.yml"))));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        // An override of the main file: its database service becomes the coordinator.
        Assert.Contains("db", services.Children.Keys.Select(k => k.ToString()));
        var nodes = new[] { "db", "citus-worker1", "citus-worker2" };
        foreach (var name in nodes)
        {
            var node = (YamlMappingNode)services[name];
            Assert.StartsWith("citusdata/citus:", node["image"].ToString(), StringComparison.Ordinal);
            Assert.False(node.Children.ContainsKey("ports"), $"{name} is not published");
            var volumes = ((YamlSequenceNode)node["volumes"]).Children.Select(v => v.ToString()).ToList();
            Assert.Contains(volumes, v => v.StartsWith("./deploy/citus/init/02-citus.sh:/docker-entrypoint-initdb.d/", StringComparison.Ordinal));
            if (name != "db") Assert.Contains("./deploy/postgres-init:/docker-entrypoint-initdb.d:ro", volumes);
        }

        Assert.Contains("citus_add_node('citus-worker1', 5432)", File.ReadAllText(Path.Combine(root, "deploy", "citus", "setup.sql")), StringComparison.Ordinal);
        Assert.Contains("./deploy/citus:/citus:ro", ((YamlSequenceNode)((YamlMappingNode)services["db"])["volumes"]).Children.Select(v => v.ToString()));
    }

    private sealed record ForeignKey(string Name, string From, string To, bool TenantAligned);

    private sealed record Catalog(SortedSet<string> TenantTables, SortedSet<string> GlobalTables, List<ForeignKey> ForeignKeys, List<string> TenantIdTypes);

    private async Task<Catalog> ReadCatalogAsync()
    {
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        var tenant = new SortedSet<string>(StringComparer.Ordinal);
        var global = new SortedSet<string>(StringComparer.Ordinal);
        var types = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT c.relname, format_type(a.atttypid, a.atttypmod)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                var name = r.GetString(0);
                if (LocalTables.Contains(name)) continue;
                if (r.IsDBNull(1)) global.Add(name);
                else
                {
                    tenant.Add(name);
                    types.Add(r.GetString(1));
                }
            }
        }

        var keys = new List<ForeignKey>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT con.conname, src.relname, dst.relname,
              EXISTS (SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(s, d)
                      JOIN pg_attribute sa ON sa.attrelid = con.conrelid AND sa.attnum = k.s
                      JOIN pg_attribute da ON da.attrelid = con.confrelid AND da.attnum = k.d
                      WHERE sa.attname = 'tenant_id' AND da.attname = 'tenant_id')
            FROM pg_constraint con
            JOIN pg_class src ON src.oid = con.conrelid
            JOIN pg_class dst ON dst.oid = con.confrelid
            JOIN pg_namespace n ON n.oid = src.relnamespace
            WHERE con.contype = 'f' AND n.nspname = 'public'
            ORDER BY con.conname
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync()) keys.Add(new ForeignKey(r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3)));
        }

        return new Catalog(tenant, global, keys, [.. types.Distinct()]);
    }

    /// <summary>Referenced tables before the tables that point at them (Citus checks each key as a table is converted).</summary>
    private static List<string> InKeyOrder(SortedSet<string> tables, List<ForeignKey> keys)
    {
        var done = new List<string>();
        var left = new SortedSet<string>(tables, StringComparer.Ordinal);
        while (left.Count > 0)
        {
            var next = left.FirstOrDefault(t => !keys.Any(k => k.From == t && k.To != t && left.Contains(k.To)))
                ?? throw new InvalidOperationException($"A cycle of foreign keys among: {string.Join(", ", left)}");
            done.Add(next);
            left.Remove(next);
        }

        return done;
    }

    private static string Script(Catalog catalog)
    {
        var sql = new StringBuilder();
        sql.Append("""
            -- Distributes the PhoneCrm schema over Citus (README "Scaling out"). Generated from the migrated catalog by
            -- tests/PhoneCrm.IntegrationTests/Platform/CitusDistributionTests.cs, which fails when a table is missing here;
            -- PHONECRM_WRITE_CITUS=1 rewrites this file. Do not edit by hand.
            --
            -- Run once on the coordinator, in the phonecrm database, after the app has migrated it and before any data:
            --   psql -v ON_ERROR_STOP=1 -U postgres -d phonecrm -f deploy/citus/distribute.sql
            -- Tables without tenant_id become reference tables (a copy on every node); every tenant table is distributed by
            -- tenant_id and co-located with the first one, so all of a tenant's rows sit in one shard group and every
            -- statement that names its tenant (all of the app's, through row-level security and explicit tenant_id
            -- predicates) runs on one node. Referenced tables come before the tables pointing at them.
            \set ON_ERROR_STOP on
            -- The tenant tables' triggers (search tokens, consent mask, stats) touch only their own tenant's co-located rows.
            SET citus.enable_unsafe_triggers = on;

            -- Reference tables

            """).Append('\n');
        foreach (var table in InKeyOrder(catalog.GlobalTables, catalog.ForeignKeys).Where(t => !ByOwnKey.ContainsKey(t)))
            sql.Append("SELECT create_reference_table('").Append(table).Append("');\n");
        sql.Append("\n-- Looked up by their own key before a tenant is known (README \"Scaling out\": the queries that join them)\n\n");
        foreach (var (table, column) in ByOwnKey.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            Assert.Contains(table, catalog.GlobalTables);
            sql.Append("SELECT create_distributed_table('").Append(table).Append("', '").Append(column).Append("', colocate_with => 'none');\n");
        }

        sql.Append("\n-- Tenant tables, by tenant_id, co-located\n\n");
        var ordered = InKeyOrder(catalog.TenantTables, catalog.ForeignKeys);
        foreach (var table in ordered)
        {
            sql.Append("SELECT create_distributed_table('").Append(table).Append("', 'tenant_id', colocate_with => '")
                .Append(table == ordered[0] ? "none" : ordered[0]).Append("');\n");
        }

        return sql.ToString();
    }
}
