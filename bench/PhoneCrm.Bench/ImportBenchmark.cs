using System.Diagnostics;
using System.Runtime;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PhoneCrm.Bench.Data;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Bench;

/// <summary>
/// The contact import end to end: a generated messy CSV (<see cref="ImportBenchData"/>) stored with
/// <see cref="ImportService"/> and run through <see cref="ImportRun"/> with <see cref="ContactImportHandler"/> (read, normalise, validate, dedupe,
/// encrypt, binary COPY into staging, set-based merge, per-batch checkpoint) on a private PostgreSQL. Baseline, same
/// run: a raw binary COPY of exactly the rows the pipeline created — dumped from <c>contacts</c> in their final form
/// (encrypted, indexed) outside the timing — into a table with the same columns, indexes and foreign keys, no RLS.
/// </summary>
public sealed class ImportBenchmark(int rows) : IBenchmark
{
    public const string RowsVariable = "PHONECRM_BENCH_ROWS";
    private const int Seed = 2026;

    public string Name => "import";
    public string Description => $"import a {rows:N0}-row messy CSV through the real pipeline; baseline: raw binary COPY of the created rows";

    public static int RowsFromEnvironment(string[] args) => OptionFromEnvironment(args, "--rows", RowsVariable, 1_000_000);

    /// <summary>An integer option: <c>--name N</c> on the command line, else the environment variable, else the default.</summary>
    public static int OptionFromEnvironment(string[] args, string option, string variable, int fallback)
    {
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == option) return int.Parse(args[i + 1].Replace("_", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        }

        return Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? int.Parse(value.Replace("_", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture)
            : fallback;
    }

    public async Task RunAsync()
    {
        await using var cluster = await BenchCluster.StartAsync();
        var root = cluster.Root;
        var connectionString = cluster.ConnectionString;
        var csv = Path.Combine(root, "contacts.csv");
        var sw = Stopwatch.StartNew();
        ImportBenchCounts expected;
        await using (var file = File.Create(csv))
        {
            expected = ImportBenchData.Generate(file, rows, Seed);
        }

        Console.WriteLine($"   generated {new FileInfo(csv).Length / 1e6:N1} MB: {expected.Rows:N0} rows = {expected.ValidUnique:N0} valid unique "
            + $"+ {expected.Duplicates:N0} duplicates + {expected.Junk:N0} junk ({sw.Elapsed.TotalSeconds:0.0} s)");


        var tenantId = Guid.CreateVersion7();
        var ring = PiiKeyRing.CreateForTests();
        using var pii = new PiiProtector(ring);
        using var blind = new BlindIndex(ring);

        await using (var db = CreateContext(connectionString, tenantId))
        {
            db.Tenants.Add(new Tenant { Id = tenantId, Name = "Bench", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        // Upload (stores the file in PostgreSQL in 1 MiB chunks), then queue without Hangfire.
        Guid importId;
        sw.Restart();
        await using (var db = CreateContext(connectionString, tenantId))
        {
            var service = new ImportService(db, new ImportFileStore(db, pii), new NoBackgroundJobs(), pii, TimeProvider.System,
                [new ContactImportHandler(db, pii, blind)]);
            await using var content = File.OpenRead(csv);
            var (job, error) = await service.UploadAsync("contacts.csv", content, "import", "bench", null, startNow: false, CancellationToken.None);
            if (job is null) throw new InvalidOperationException($"Upload refused: {error}");
            importId = job.Id;
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE imports SET status = 'Queued' WHERE id = {importId}");
        }

        var upload = sw.Elapsed.TotalSeconds;
        File.Delete(csv);
        await CheckpointAsync(connectionString);

        // The pipeline, timed.
        sw.Restart();
        await using (var db = CreateContext(connectionString, tenantId))
        {
            var run = new ImportRun(db, new ImportFileStore(db, pii), [new ContactImportHandler(db, pii, blind)], pii, NullLogger<ImportRun>.Instance);
            await run.RunAsync(importId);
        }

        var pipeline = sw.Elapsed.TotalSeconds;
        var result = await ReadResultAsync(connectionString, tenantId, importId);
        Console.WriteLine($"   upload (file into import_file_chunks): {upload:0.0} s");
        Console.WriteLine($"   import {result.Status}: {result.Processed:N0} rows → created {result.Created:N0}, updated {result.Updated:N0}, "
            + $"duplicates {result.Duplicates:N0}, rejected {result.Rejected:N0}; contacts in tenant: {result.Contacts:N0}");
        var ok = result.Status == "Completed" && result.Processed == expected.Rows && result.Created == expected.ValidUnique
            && result.Updated == 0 && result.Duplicates == expected.Duplicates && result.Rejected == expected.Junk
            && result.Contacts == expected.ValidUnique;
        Console.WriteLine(ok ? "   counts match the generator exactly" : "   COUNTS DIFFER from the generator's expected counts");

        // The baseline: the created rows in final form, dumped outside the timing, then COPYed alone.
        var dump = Path.Combine(root, "contacts.copy");
        var baseline = await RawCopyAsync(connectionString, tenantId, dump);

        var pipelineRate = expected.Rows / pipeline;
        var rawRate = result.Contacts / baseline;
        Console.WriteLine($"   pipeline:  {pipelineRate,9:N0} rows/s ({expected.Rows:N0} data rows in {pipeline:0.0} s)");
        Console.WriteLine($"   raw COPY:  {rawRate,9:N0} rows/s ({result.Contacts:N0} rows in {baseline:0.0} s)");
        Console.WriteLine($"   ratio: {pipelineRate / rawRate:P0} of the raw COPY throughput (target ≥ 50 %)");
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"   peak working set: {process.PeakWorkingSet64 / 1048576.0:N0} MiB (target < 1,024); "
            + $"GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, peak heap seen {gc.HeapSizeBytes / 1048576.0:N0} MiB at last GC, "
            + $"allocated {GC.GetTotalAllocatedBytes() / 1073741824.0:N1} GiB, collections gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        if (!ok) throw new InvalidOperationException("The import's counts differ from the generated file's.");
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

    /// <summary>Flushes dirty buffers so that neither timed phase pays for the previous one's writes.</summary>
    private static async Task CheckpointAsync(string connectionString)
    {
        // The private cluster's superuser shares the owner's generated password.
        var superuser = new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false };
        await using var conn = new NpgsqlConnection(superuser.ConnectionString);
        await conn.OpenAsync();
        await ExecAsync(conn, "CHECKPOINT");
    }

    private sealed record ImportResult(string Status, int Processed, int Created, int Updated, int Duplicates, int Rejected, long Contacts);

    private static async Task<ImportResult> ReadResultAsync(string connectionString, Guid tenantId, Guid importId)
    {
        await using var conn = await OpenAsTenantAsync(connectionString, tenantId);
        await using var cmd = new NpgsqlCommand("""
            SELECT status, processed_rows, created, updated, duplicates, rejected, (SELECT count(*) FROM contacts)
            FROM imports WHERE id = @id
            """, conn);
        cmd.Parameters.AddWithValue("id", importId);
        await using var r = await cmd.ExecuteReaderAsync();
        if (!await r.ReadAsync()) throw new InvalidOperationException("The import row is gone.");
        return new ImportResult(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt64(6));
    }

    private static async Task<NpgsqlConnection> OpenAsTenantAsync(string connectionString, Guid tenantId)
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = TenantConnectionInterceptor.Apply(conn, tenantId, null);
        await cmd.ExecuteNonQueryAsync();
        return conn;
    }

    /// <summary>Dumps the tenant's contacts (binary COPY format) to a file, then times COPYing the file into a twin table.</summary>
    private static async Task<double> RawCopyAsync(string connectionString, Guid tenantId, string dump)
    {
        // The owner role: it owns the twin table (no RLS on it) and reads contacts through the tenant setting.
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await ExecAsync(conn, $"SELECT set_config('app.tenant_id', '{tenantId}', false)");
        await using (var output = File.Create(dump))
        await using (var copyOut = await conn.BeginRawBinaryCopyAsync("COPY contacts TO STDOUT (FORMAT BINARY)"))
        {
            await copyOut.CopyToAsync(output);
        }

        await ExecAsync(conn, """
            CREATE TABLE bench_raw (LIKE contacts INCLUDING ALL);
            DO $$ DECLARE c record; BEGIN
              FOR c IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
                       WHERE conrelid = 'contacts'::regclass AND contype = 'f' LOOP
                EXECUTE format('ALTER TABLE bench_raw ADD CONSTRAINT %I %s', 'bench_' || c.conname, c.def);
              END LOOP;
            END $$;
            """);
        await CheckpointAsync(connectionString);

        var sw = Stopwatch.StartNew();
        await using (var input = File.OpenRead(dump))
        await using (var copyIn = await conn.BeginRawBinaryCopyAsync("COPY bench_raw FROM STDIN (FORMAT BINARY)"))
        {
            await input.CopyToAsync(copyIn);
        }

        return sw.Elapsed.TotalSeconds;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The upload is made with <c>startNow: false</c>, so nothing is ever enqueued.</summary>
    private sealed class NoBackgroundJobs : IBackgroundJobClient
    {
        public string Create(Job job, IState state) => throw new NotSupportedException("The benchmark runs the processor directly.");
        public bool ChangeState(string jobId, IState state, string expectedState) => throw new NotSupportedException();
    }
}
