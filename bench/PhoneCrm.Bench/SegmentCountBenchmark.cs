using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Segments;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Bench;

/// <summary>
/// Live segment counts at scale: <c>contacts</c> rows with realistic distributions (cities, birthdays, genders, tags,
/// sources, statuses), about three order events per contact (categories, amounts, dates over three years) with the
/// computed stats and categories they imply, and consent states (about two thirds with marketing SMS) — all loaded with
/// binary COPY into a private PostgreSQL. Then 10 typical rules are counted through <see cref="SegmentService"/> as the
/// tenant (RLS on, the real path); p50/p95 of each is printed beside a plain <c>count(*)</c> over contacts measured in
/// the same run on the same connection kind.
/// </summary>
public sealed class SegmentCountBenchmark(int contacts) : IBenchmark
{
    private const int Seed = 2026;
    private const int Warmup = 2;
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("PHONECRM_BENCH_ITERATIONS"), out var n) && n > 0 ? n : 20;

    public string Name => "segments";
    public string Description => $"count 10 typical rules over {contacts:N0} contacts and ~{contacts * 3L:N0} orders; baseline: plain count(*) over contacts";

    private static readonly (string City, int Weight)[] _cities =
    [
        ("Москва", 250), ("Санкт-Петербург", 120), ("Новосибирск", 40), ("Екатеринбург", 40), ("Казань", 30), ("Нижний Новгород", 30),
        ("Челябинск", 25), ("Самара", 25), ("Омск", 20), ("Ростов-на-Дону", 25), ("Уфа", 20), ("Красноярск", 20), ("Воронеж", 20),
        ("Пермь", 20), ("Волгоград", 20), ("Краснодар", 30), ("Тюмень", 15), ("Иркутск", 15), ("Алматы", 10), ("Минск", 10), ("", 215),
    ];

    private static readonly (string Category, int Weight)[] _categories =
        [("garden", 30), ("seeds", 20), ("tools", 15), ("home", 15), ("kids", 8), ("pets", 7), ("books", 5)];

    private static readonly (string Source, int Weight)[] _sources =
        [("web_shop", 40), ("website", 20), ("import", 15), ("store", 10), ("social", 8), ("api", 5), ("call", 2)];

    public static readonly string[] Rules =
    [
        """{"all":[{"field":"city","op":"eq","value":"Москва"}]}""",
        """{"all":[{"field":"city","op":"eq","value":"Москва"},{"field":"lastPurchaseAt","op":"within_days","value":30}]}""",
        """{"all":[{"field":"city","op":"eq","value":"Москва"},{"field":"purchasedCategory","op":"contains","value":"garden","withinDays":90},{"field":"consent","op":"has","value":{"purpose":"marketing","channel":"sms"}}]}""",
        """{"all":[{"field":"gender","op":"eq","value":"female"},{"field":"age","op":"between","value":[25,45]},{"field":"consent","op":"has","value":{"purpose":"marketing","channel":"sms"}}]}""",
        """{"all":[{"field":"birthday","op":"within_days","value":7},{"field":"status","op":"eq","value":"active"},{"field":"consent","op":"has","value":{"purpose":"marketing","channel":"sms"}}]}""",
        """{"all":[{"field":"purchasedCategory","op":"in","value":["garden","tools"]},{"field":"totalSpent","op":"gte","value":10000},{"field":"ordersCount","op":"gte","value":3}]}""",
        """{"all":[{"field":"lastPurchaseAt","op":"older_than_days","value":180},{"field":"ordersCount","op":"gte","value":2},{"field":"consent","op":"lacks","value":{"purpose":"marketing","channel":"sms"}}]}""",
        """{"all":[{"not":{"field":"lastEngagedAt","op":"within_days","value":270}},{"field":"consent","op":"has","value":{"purpose":"marketing","channel":"sms"}}]}""",
        """{"all":[{"field":"city","op":"in","value":["Москва","Санкт-Петербург"]},{"any":[{"field":"purchasedCategory","op":"contains","value":"garden"},{"field":"tags","op":"contains","value":"vip"}]},{"not":{"field":"lastEngagedAt","op":"within_days","value":30}}]}""",
        """{"all":[{"any":[{"all":[{"field":"city","op":"eq","value":"Казань"},{"field":"gender","op":"eq","value":"male"}]},{"all":[{"field":"sourceChannel","op":"eq","value":"web_shop"},{"field":"avgOrderValue","op":"gt","value":3000}]}]},{"field":"consent","op":"has","value":{"purpose":"marketing","channel":"sms"}}]}""",
    ];

    private static readonly string[] _labels =
    [
        "city = Москва (1)",
        "Москва + bought in 30 d (2)",
        "Москва + garden in 90 d + mkt SMS consent (3)",
        "female + age 25-45 + mkt SMS consent (3)",
        "birthday in 7 d + active + mkt SMS consent (3)",
        "garden|tools + spent ≥ 10k + ≥ 3 orders (3)",
        "no purchase 180 d + ≥ 2 orders + lacks consent (3)",
        "not engaged in 270 d (not) + consent (nested, 2)",
        "Мск|СПб + any(garden, vip) + not engaged 30 d (nested, 4)",
        "any(all(Казань, male), all(web_shop, avg > 3k)) + consent (nested, 5)",
    ];

    public async Task RunAsync()
    {
        // PHONECRM_BENCH_DATA=<dir> keeps the loaded cluster there and reuses it on the next run (new migrations still
        // apply), so index and query changes can be measured without reloading.
        var keep = Environment.GetEnvironmentVariable("PHONECRM_BENCH_DATA");
        var root = keep ?? Path.Combine(Path.GetTempPath(), $"phonecrm-bench-{Guid.NewGuid():N}");
        var marker = Path.Combine(root, $"segments-{contacts}.tenant");
        Directory.CreateDirectory(root);
        EmbeddedPostgres? cluster = null;
        try
        {
            cluster = await EmbeddedPostgres.StartAsync(Path.Combine(root, "pgdata"), 0, "phonecrm_bench");
            var connectionString = cluster.ConnectionString("phonecrm_bench");
            await new DatabaseMigrator(connectionString, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
            Guid tenantId;
            if (File.Exists(marker))
            {
                tenantId = Guid.Parse(await File.ReadAllTextAsync(marker));
                Console.WriteLine($"   reusing the data loaded earlier in {root}");
            }
            else
            {
                tenantId = Guid.CreateVersion7();
                await using (var db = CreateContext(connectionString, tenantId))
                {
                    db.Tenants.Add(new Tenant { Id = tenantId, Name = "Bench", CreatedAt = DateTimeOffset.UtcNow });
                    await db.SaveChangesAsync();
                }

                var sw = Stopwatch.StartNew();
                var loaded = await LoadAsync(connectionString, tenantId);
                Console.WriteLine($"   loaded with COPY: {loaded.Contacts:N0} contacts, {loaded.Events:N0} order events, {loaded.Stats:N0} stats rows, "
                    + $"{loaded.Categories:N0} contact categories, {loaded.Consents:N0} consent states ({sw.Elapsed.TotalSeconds:0.0} s, then VACUUM ANALYZE)");
                if (keep is not null) await File.WriteAllTextAsync(marker, tenantId.ToString());
            }

            var ring = PiiKeyRing.CreateForTests();
            using var pii = new PiiProtector(ring);
            using var blind = new BlindIndex(ring);
            await using var context = CreateContext(connectionString, tenantId);
            var service = new SegmentService(context, new ContactService(context, pii, blind, TimeProvider.System), TimeProvider.System);

            var baseline = await MeasureAsync(async () =>
            {
                await context.Database.OpenConnectionAsync();
                try
                {
                    await using var cmd = new NpgsqlCommand("SELECT count(*) FROM contacts", (NpgsqlConnection)context.Database.GetDbConnection());
                    return (long)(await cmd.ExecuteScalarAsync())!;
                }
                finally
                {
                    await context.Database.CloseConnectionAsync();
                }
            });
            Console.WriteLine($"   {"rule",-72} {"count",10} {"p50 ms",8} {"p95 ms",8} {"p95/count(*)",12}");
            Console.WriteLine($"   {"baseline: SELECT count(*) FROM contacts",-72} {baseline.Count,10:N0} {baseline.P50,8:N0} {baseline.P95,8:N0} {1,12:0.0}×");
            var worst3 = 0.0;
            for (var i = 0; i < Rules.Length; i++)
            {
                using var doc = JsonDocument.Parse(Rules[i]);
                var node = RuleParser.Parse(doc.RootElement.Clone(), out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
                if (Environment.GetEnvironmentVariable("PHONECRM_BENCH_EXPLAIN") == "1") await ExplainAsync(context, service, node, tenantId);
                var m = await MeasureAsync(() => service.CountAsync(node));
                if (_labels[i].EndsWith("3)", StringComparison.Ordinal)) worst3 = Math.Max(worst3, m.P95);
                Console.WriteLine($"   {_labels[i],-72} {m.Count,10:N0} {m.P50,8:N0} {m.P95,8:N0} {m.P95 / baseline.P95,11:0.0}×");
            }

            Console.WriteLine($"   worst p95 of the 3-condition rules: {worst3:N0} ms (target < 300 ms); {Iterations} runs each after {Warmup} warm-ups");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (cluster is not null) await cluster.StopAsync();
            if (keep is null) DeleteFolder(root);
        }
    }

    private static void DeleteFolder(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"   could not delete {root}: {e.Message}");
        }
    }

    private sealed record Measured(long Count, double P50, double P95);

    private static async Task<Measured> MeasureAsync(Func<Task<long>> run)
    {
        long count = 0;
        for (var i = 0; i < Warmup; i++) count = await run();
        var times = new List<double>();
        for (var i = 0; i < Iterations; i++)
        {
            var sw = Stopwatch.StartNew();
            count = await run();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        double At(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        return new Measured(count, At(0.5), At(0.95));
    }

    private sealed record Loaded(long Contacts, long Events, long Stats, long Categories, long Consents);

    private static T Pick<T>(Random r, (T Value, int Weight)[] weighted)
    {
        var total = weighted.Sum(w => w.Weight);
        var x = r.Next(total);
        foreach (var (value, weight) in weighted)
        {
            if ((x -= weight) < 0) return value;
        }

        return weighted[^1].Value;
    }

    /// <summary>Generates and COPYs everything in one pass per table; stats and categories are what the events imply.</summary>
    private async Task<Loaded> LoadAsync(string connectionString, Guid tenantId)
    {
        var r = new Random(Seed);
        var now = DateTimeOffset.UtcNow;
        var ids = new Guid[contacts];
        // COPY FROM is refused under row-level security: the cluster's superuser (which bypasses it) loads the data.
        var superuser = new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false, CommandTimeout = 0 };
        await using var conn = new NpgsqlConnection(superuser.ConnectionString);
        await conn.OpenAsync();

        string[] tags = ["vip", "garden", "wholesale", "newsletter", "b2b"];
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY contacts (tenant_id, id, phone_cipher, phone_index, phone_type, phone_region, name_token_indexes, city, gender, birth_date, tags, "
            + "source_channel, attributes, status, time_zone, created_at, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            var cipher = new byte[40];
            for (var i = 0; i < contacts; i++)
            {
                var id = ids[i] = Guid.CreateVersion7();
                r.NextBytes(cipher);
                var index = new byte[32];
                r.NextBytes(index);
                var city = Pick(r, _cities);
                var g = r.Next(100);
                DateOnly? birth = r.Next(100) < 78 ? DateOnly.FromDateTime(now.UtcDateTime).AddDays(-(18 * 365 + r.Next(55 * 365))) : null;
                var contactTags = r.Next(100) < 30 ? tags.Where(_ => r.Next(100) < 30).ToArray() : [];
                var s = r.Next(1000);
                var created = now.AddDays(-r.Next(3 * 365)).AddSeconds(-r.Next(86_400));
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(id, NpgsqlDbType.Uuid);
                await w.WriteAsync(cipher, NpgsqlDbType.Bytea);
                await w.WriteAsync(index, NpgsqlDbType.Bytea);
                await w.WriteAsync("mobile", NpgsqlDbType.Varchar);
                await w.WriteAsync("RU", NpgsqlDbType.Varchar);
                await w.WriteAsync(Array.Empty<byte[]>(), NpgsqlDbType.Array | NpgsqlDbType.Bytea);
                if (city.Length == 0) await w.WriteNullAsync();
                else await w.WriteAsync(city, NpgsqlDbType.Varchar);
                await w.WriteAsync(g < 47 ? "female" : g < 87 ? "male" : "unknown", NpgsqlDbType.Varchar);
                if (birth is { } b) await w.WriteAsync(b, NpgsqlDbType.Date);
                else await w.WriteNullAsync();
                await w.WriteAsync(contactTags, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await w.WriteAsync(Pick(r, _sources), NpgsqlDbType.Varchar);
                await w.WriteAsync("{}", NpgsqlDbType.Jsonb);
                await w.WriteAsync(s < 970 ? "active" : s < 990 ? "unreachable" : "erased", NpgsqlDbType.Varchar);
                await w.WriteAsync("Europe/Moscow", NpgsqlDbType.Varchar);
                await w.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(created, NpgsqlDbType.TimestampTz);
            }

            await w.CompleteAsync();
        }

        // Orders: 60 % of contacts buy; a buyer has 1–15 orders (mean ≈ 5), so about 3 per contact overall.
        long events = 0, stats = 0, categoryRows = 0;
        var statRows = new List<(Guid Id, DateTimeOffset Last, int Count, decimal Total)>();
        var categoryLast = new List<(Guid Id, string Category, DateTimeOffset Last)>();
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY contact_events (tenant_id, id, contact_id, type, external_id, occurred_at, received_at, data, amount, body_hash) FROM STDIN (FORMAT BINARY)"))
        {
            var hash = new byte[32];
            var perContact = new Dictionary<string, DateTimeOffset>();
            foreach (var contact in ids)
            {
                if (r.Next(100) >= 60) continue;
                var orders = 1 + (int)Math.Min(14, -Math.Log(1 - r.NextDouble()) * 4);
                var total = 0m;
                var last = DateTimeOffset.MinValue;
                perContact.Clear();
                for (var o = 0; o < orders; o++)
                {
                    // Recent months are busier: the age in days is skewed towards 0.
                    var at = now.AddDays(-Math.Pow(r.NextDouble(), 1.6) * 3 * 365);
                    var category = Pick(r, _categories);
                    var amount = Math.Round((decimal)Math.Exp(6.5 + r.NextDouble() * 3), 2);
                    total += amount;
                    if (at > last) last = at;
                    if (!perContact.TryGetValue(category, out var c) || c < at) perContact[category] = at;
                    r.NextBytes(hash);
                    await w.StartRowAsync();
                    await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                    await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await w.WriteAsync(contact, NpgsqlDbType.Uuid);
                    await w.WriteAsync("order_placed", NpgsqlDbType.Varchar);
                    await w.WriteAsync("o-" + events, NpgsqlDbType.Varchar);
                    await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                    await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                    await w.WriteAsync($$"""{"amount":{{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"items":[{"category":"{{category}}"}]}""", NpgsqlDbType.Jsonb);
                    await w.WriteAsync(amount, NpgsqlDbType.Numeric);
                    await w.WriteAsync(hash, NpgsqlDbType.Bytea);
                    events++;
                }

                statRows.Add((contact, last, orders, total));
                foreach (var (category, at) in perContact) categoryLast.Add((contact, category, at));
            }

            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY contact_stats (tenant_id, contact_id, last_purchase_at, orders_count, total_spent, avg_order_value, last_engaged_at, unanswered_messages, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (id, last, count, total) in statRows)
            {
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(id, NpgsqlDbType.Uuid);
                await w.WriteAsync(last, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(count, NpgsqlDbType.Integer);
                await w.WriteAsync(total, NpgsqlDbType.Numeric);
                await w.WriteAsync(Math.Round(total / count, 2), NpgsqlDbType.Numeric);
                await w.WriteAsync(last, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(r.Next(100) < 10 ? r.Next(1, 4) : 0, NpgsqlDbType.Integer);
                await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
                stats++;
            }

            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY contact_categories (tenant_id, contact_id, category, last_purchased_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (id, category, last) in categoryLast)
            {
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(id, NpgsqlDbType.Uuid);
                await w.WriteAsync(category, NpgsqlDbType.Varchar);
                await w.WriteAsync(last, NpgsqlDbType.TimestampTz);
                categoryRows++;
            }

            await w.CompleteAsync();
        }

        // Consents: ~68 % marketing SMS (of which 1 in 12 withdrawn), ~85 % transactional SMS, some expired.
        long consents = 0;
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY consent_states (tenant_id, contact_id, purpose, channel, status, granted_at, withdrawn_at, expires_at, legal_basis, last_record_id) FROM STDIN (FORMAT BINARY)"))
        {
            async Task RowAsync(Guid contact, string purpose, bool active, DateTimeOffset granted, DateTimeOffset? expires)
            {
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(contact, NpgsqlDbType.Uuid);
                await w.WriteAsync(purpose, NpgsqlDbType.Varchar);
                await w.WriteAsync("sms", NpgsqlDbType.Varchar);
                await w.WriteAsync(active ? "active" : "withdrawn", NpgsqlDbType.Varchar);
                await w.WriteAsync(granted, NpgsqlDbType.TimestampTz);
                if (active) await w.WriteNullAsync();
                else await w.WriteAsync(granted.AddDays(30), NpgsqlDbType.TimestampTz);
                if (expires is { } e) await w.WriteAsync(e, NpgsqlDbType.TimestampTz);
                else await w.WriteNullAsync();
                await w.WriteAsync(purpose == "marketing" ? "consent" : "contract", NpgsqlDbType.Varchar);
                await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                consents++;
            }

            foreach (var contact in ids)
            {
                var granted = now.AddDays(-r.Next(3 * 365));
                if (r.Next(100) < 68) await RowAsync(contact, "marketing", r.Next(12) != 0, granted, granted.AddDays(3 * 365));
                if (r.Next(100) < 85) await RowAsync(contact, "transactional", true, granted, null);
            }

            await w.CompleteAsync();
        }

        // VACUUM sets the visibility map (index-only scans), as autovacuum does after a bulk insert in production.
        await using (var analyze = new NpgsqlCommand("VACUUM (ANALYZE) contacts, contact_events, contact_stats, contact_categories, consent_states", conn))
        {
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync();
        }

        return new Loaded(contacts, events, stats, categoryRows, consents);
    }

    private static PhoneCrmDbContext CreateContext(string connectionString, Guid tenantId)
    {
        var tenant = new TenantContext();
        tenant.Set(tenantId);
        var options = new DbContextOptionsBuilder<PhoneCrmDbContext>()
            .UseNpgsql(connectionString, n => n.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new TenantConnectionInterceptor(tenant))
            .Options;
        return new PhoneCrmDbContext(options, tenant);
    }

    /// <summary>PHONECRM_BENCH_EXPLAIN=1: the plan of each rule's count, to see where time goes.</summary>
    private static async Task ExplainAsync(PhoneCrmDbContext context, SegmentService service, RuleNode node, Guid tenantId)
    {
        var sql = RuleSql.Translate(node, await service.ContextAsync(CancellationToken.None));
        await context.Database.OpenConnectionAsync();
        try
        {
            await using var tx = await context.Database.BeginTransactionAsync();
            await context.Database.ExecuteSqlRawAsync(RuleSql.WorkMem);
            await using var cmd = new NpgsqlCommand(
                $"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT count(*) FROM {sql.From} WHERE c.tenant_id = @tenant AND c.status <> 'erased' AND {sql.Where}",
                (NpgsqlConnection)context.Database.GetDbConnection());
            cmd.Parameters.Add(new NpgsqlParameter("tenant", tenantId));
            foreach (var p in sql.Parameters) cmd.Parameters.Add(p.Clone());
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) Console.WriteLine("      | " + r.GetString(0));
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }
}
