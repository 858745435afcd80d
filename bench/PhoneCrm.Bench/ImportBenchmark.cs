using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PhoneCrm.Bench.Data;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Bench;

/// <summary>
/// The contact import as an integrator sees it: a generated messy CSV (<see cref="ImportBenchData"/>) posted to
/// <c>POST /api/v1/imports</c> of the real web process (the built <c>PhoneCrm.Web.dll</c>, production settings, its own
/// Hangfire server, as a single node runs) with the API key <c>tenant create</c> printed, then
/// <c>GET /api/v1/imports/{id}</c> polled until <c>completed</c>; timed from the first byte of the upload to the poll
/// that saw it completed. Counts are checked exactly against the generator. Baseline, same run: a server-side
/// <c>COPY</c> (binary, from a file in the data directory) of exactly the rows the import created into a table with the
/// contacts' columns and only a primary key and a unique (tenant, phone) index — the least any import must write.
/// </summary>
public sealed class ImportBenchmark(int rows) : IBenchmark
{
    public const string RowsVariable = "PHONECRM_BENCH_ROWS";
    private const int Seed = 2026;

    public string Name => "import";
    public string Description => $"POST a {rows:N0}-row messy CSV to /api/v1/imports and poll to completed; baseline: server-side COPY of the created rows into a table with PK + unique (tenant, phone)";

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
        var csv = Path.Combine(cluster.Root, "contacts.csv");
        var sw = Stopwatch.StartNew();
        ImportBenchCounts expected;
        await using (var file = File.Create(csv))
        {
            expected = ImportBenchData.Generate(file, rows, Seed);
        }

        var bytes = new FileInfo(csv).Length;
        Console.WriteLine($"   generated {bytes / 1e6:N1} MB: {expected.Rows:N0} rows = {expected.ValidUnique:N0} valid unique "
            + $"+ {expected.Duplicates:N0} duplicates + {expected.Junk:N0} junk ({sw.Elapsed.TotalSeconds:0.0} s)");

        var keyFile = Path.Combine(cluster.Root, "pii-keys.json");
        _ = PiiKeyRing.Load(new ProtectionOptions { KeyFile = keyFile }, keyFile); // creates the key file the web process reads

        using var created = JsonDocument.Parse(await WebProcess.RunCliAsync(cluster, keyFile, "tenant", "create", "--name", "Bench", "--admin-email", "admin@bench.test"));
        var tenantId = created.RootElement.GetProperty("tenantId").GetGuid();
        var apiKey = created.RootElement.GetProperty("apiKey").GetString()!;

        await using var web = await WebProcess.StartAsync(cluster, keyFile, jobsServer: true);
        Console.WriteLine($"   web: {web.BaseAddress} (PhoneCrm.Web.dll, Production, Jobs:Server=true), log in {web.LogFile}");
        await CheckpointAsync(cluster.ConnectionString);
        using var http = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var resetPeak = web.ResetPeakResidentSet();
        var load = LoadAverage();

        // The timed part: upload, then poll until completed.
        sw.Restart();
        Guid importId;
        await using (var content = File.OpenRead(csv))
        using (var form = new MultipartFormDataContent())
        {
            var part = new StreamContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(part, "file", "contacts.csv");
            using var response = await http.PostAsync("/api/v1/imports", form);
            if ((int)response.StatusCode != 202) throw new InvalidOperationException($"Upload refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            importId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        var upload = sw.Elapsed.TotalSeconds;
        JsonElement status;
        while (true)
        {
            status = await http.GetFromJsonAsync<JsonElement>($"/api/v1/imports/{importId}");
            if (status.GetProperty("status").GetString() is "completed" or "failed") break;
            await Task.Delay(200);
        }

        var endToEnd = sw.Elapsed.TotalSeconds;
        var loadAfter = LoadAverage();
        var peak = web.PeakResidentSet();

        // ImportSettle (VACUUM ANALYZE of the written tables) runs after 'completed' in the same job: wait for it so the
        // baseline does not share the machine with it.
        var settle = await WaitForSettleAsync(web.LogFile, importId);
        File.Delete(csv);

        var contacts = await CountContactsAsync(cluster.ConnectionString, tenantId);
        int Get(string name) => status.GetProperty(name).GetInt32();
        Console.WriteLine($"   upload (POST /api/v1/imports → 202): {upload:0.0} s; load average before {load}, after {loadAfter}");
        Console.WriteLine($"   import {status.GetProperty("status").GetString()}: {Get("processedRows"):N0} of {Get("totalRows"):N0} rows → created {Get("created"):N0}, "
            + $"updated {Get("updated"):N0}, duplicates {Get("duplicates"):N0}, rejected {Get("rejected"):N0}; contacts in tenant: {contacts:N0}");
        var ok = status.GetProperty("status").GetString() == "completed" && Get("processedRows") == expected.Rows && Get("totalRows") == expected.Rows
            && Get("created") == expected.ValidUnique && Get("updated") == 0 && Get("duplicates") == expected.Duplicates
            && Get("rejected") == expected.Junk && contacts == expected.ValidUnique;
        Console.WriteLine(ok ? "   counts match the generator exactly" : "   COUNTS DIFFER from the generator's expected counts");
        Console.WriteLine(settle is { } s ? $"   settle after completed (VACUUM ANALYZE, not in the timing): {s:0.0} s" : "   settle not seen in the log within 10 minutes");

        var rate = expected.Rows / endToEnd;
        Console.WriteLine($"   end to end:  {rate,9:N0} rows/s ({expected.Rows:N0} data rows in {endToEnd:0.0} s, upload to completed; target ≥ 25,000)");
        var baseline = await RawCopyAsync(cluster.ConnectionString, tenantId);
        var rawRate = contacts / baseline;
        Console.WriteLine($"   raw COPY:    {rawRate,9:N0} rows/s ({contacts:N0} rows in {baseline:0.0} s, server-side, PK + unique (tenant, phone) only)");
        Console.WriteLine($"   ratio: {rate / rawRate:P0} of the raw COPY throughput (target ≥ 20 %)");
        Console.WriteLine(peak > 0
            ? $"   web process peak resident set during the import: {peak / 1048576.0:N0} MiB{(resetPeak ? " (reset after start-up)" : " (since start-up)")} (target < 1,024)"
            : "   web process peak resident set: not available");
        if (!ok) throw new InvalidOperationException("The import's counts differ from the generated file's.");
    }

    private static async Task<double?> WaitForSettleAsync(string logFile, Guid importId)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromMinutes(10))
        {
            await using (var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new StreamReader(stream))
            {
                var text = await reader.ReadToEndAsync();
                if (text.Contains("vacuumed and analysed", StringComparison.Ordinal) && text.Contains(importId.ToString(), StringComparison.Ordinal))
                    return sw.Elapsed.TotalSeconds;
            }

            await Task.Delay(500);
        }

        return null;
    }

    private static NpgsqlConnection Superuser(string connectionString) =>
        new(new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false, CommandTimeout = 0 }.ConnectionString);

    /// <summary>Flushes dirty buffers so that neither timed phase pays for the previous one's writes.</summary>
    private static async Task CheckpointAsync(string connectionString)
    {
        await using var conn = Superuser(connectionString);
        await conn.OpenAsync();
        await ExecAsync(conn, "CHECKPOINT");
    }

    private static async Task<long> CountContactsAsync(string connectionString, Guid tenantId)
    {
        await using var conn = Superuser(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM contacts WHERE tenant_id = @t", conn);
        cmd.Parameters.AddWithValue("t", tenantId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Writes the tenant's contacts to a file in the data directory (binary COPY format, server-side, outside the
    /// timing), then times a server-side COPY of the file into a twin table with only a primary key and a unique index.
    /// </summary>
    private static async Task<double> RawCopyAsync(string connectionString, Guid tenantId)
    {
        await using var conn = Superuser(connectionString);
        await conn.OpenAsync();
        // Into the data directory, which the server may write whoever runs the bench.
        string file;
        await using (var dir = new NpgsqlCommand("SELECT current_setting('data_directory') || '/bench_contacts.copy'", conn))
        {
            file = (string)(await dir.ExecuteScalarAsync())!;
        }

        await ExecAsync(conn, $"COPY (SELECT * FROM contacts WHERE tenant_id = '{tenantId}') TO '{file}' (FORMAT BINARY)");
        await ExecAsync(conn, """
            CREATE TABLE bench_raw (LIKE contacts INCLUDING DEFAULTS);
            ALTER TABLE bench_raw ADD PRIMARY KEY (tenant_id, id);
            CREATE UNIQUE INDEX ON bench_raw (tenant_id, phone_index);
            CHECKPOINT;
            """);
        var sw = Stopwatch.StartNew();
        await ExecAsync(conn, $"COPY bench_raw FROM '{file}' (FORMAT BINARY)");
        var seconds = sw.Elapsed.TotalSeconds;
        await ExecAsync(conn, "DROP TABLE bench_raw");
        return seconds;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }
}
