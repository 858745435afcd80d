using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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
    private const int Warmup = 2;
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("PHONECRM_BENCH_ITERATIONS"), out var n) && n > 0 ? n : 20;

    public string Name => "segments";
    public string Description => $"count 10 typical rules over {contacts:N0} contacts and ~{contacts * 3L:N0} orders; baseline: plain count(*) over contacts";

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
        await using var cluster = await BenchCluster.StartAsync(Environment.GetEnvironmentVariable("PHONECRM_BENCH_DATA"));
        var root = cluster.Root;
        var marker = Path.Combine(root, $"segments-{contacts}.tenant");
        var connectionString = cluster.ConnectionString;
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
            var loaded = await BenchContacts.LoadAsync(connectionString, tenantId, new BenchContactOptions(contacts));
            Console.WriteLine($"   loaded with COPY: {loaded.Contacts:N0} contacts, {loaded.Events:N0} order events, {loaded.Stats:N0} buyers, "
                + $"{loaded.Categories:N0} contact categories, {loaded.Consents:N0} consent states ({sw.Elapsed.TotalSeconds:0.0} s, then VACUUM ANALYZE, CHECKPOINT)");
            await File.WriteAllTextAsync(marker, tenantId.ToString()); // read back only when the folder is kept
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


    /// <summary>A context acting as the tenant (RLS on), outside any DI container.</summary>
    internal static PhoneCrmDbContext CreateContext(string connectionString, Guid tenantId)
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
            await context.Database.ExecuteSqlRawAsync(RuleSql.SessionSettings);
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
