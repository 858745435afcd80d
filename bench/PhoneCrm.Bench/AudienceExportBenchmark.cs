using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Audiences;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Infrastructure.Audiences;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Segments;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Bench;

/// <summary>
/// An ad-audience export (api-v1 "Ad audiences") of a saved segment of every contact, the real path: <see cref="AudienceExports.RequestAsync"/>,
/// the job (<see cref="AudienceExports.RunAsync"/>: membership of the consented, unsuppressed, unerased, untombstoned members)
/// and the download (<see cref="AudienceExports.WriteFileAsync"/>, which the controller streams to the response: decrypt
/// in keyset batches, hash, write) into a stream that checks and counts the lines. Over the <c>segments</c> loader's
/// tenant with real encrypted phones, plus ad_audiences consents (60 % active, 5 % withdrawn, 2 % expired), 1 % suppressed
/// numbers and a few erasure tombstones. Memory: the process's peak resident set during the export (the kernel's high-water
/// mark, reset after the load) and the managed heap sampled every 20 ms. Baseline, same run: one server-side
/// <c>COPY (SELECT encode(sha256(phone_cipher), 'hex') … same conditions) TO STDOUT</c> read to the end — the whole job
/// in one statement as if the database could hash the numbers itself.
/// </summary>
public sealed class AudienceExportBenchmark(int contacts) : IBenchmark
{
    private const int SuppressEvery = 100;
    private const int TombstoneEvery = 20_000;

    public string Name => "audiences";
    public string Description => $"an ad-audience export (job + streamed download) of {contacts:N0} contacts; baseline: one server-side COPY of sha256 hex of the same rows";

    public async Task RunAsync()
    {
        await using var cluster = await BenchCluster.StartAsync();
        var connectionString = cluster.ConnectionString;
        var ring = PiiKeyRing.CreateForTests();
        using var pii = new PiiProtector(ring);
        using var blind = new BlindIndex(ring);
        var tenantId = Guid.CreateVersion7();
        await using var services = Services(connectionString, ring, pii, blind);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = Tenant(scope, tenantId);
            db.Tenants.Add(new Tenant { Id = tenantId, Name = "Bench", CreatedAt = DateTimeOffset.UtcNow, TimeZone = "Europe/Moscow" });
            await db.SaveChangesAsync();
        }

        var sw = Stopwatch.StartNew();
        var (loadedContacts, audience) = await LoadAsync(connectionString, tenantId, pii, blind);
        Console.WriteLine($"   loaded with COPY: {loadedContacts:N0} contacts (encrypted phones, 3 % unreachable/erased), {audience.Active:N0} active ad_audiences consents "
            + $"(+ {audience.Withdrawn:N0} withdrawn, {audience.Expired:N0} expired), {audience.Suppressed:N0} suppressed numbers, {audience.Tombstones:N0} erasure tombstones "
            + $"({sw.Elapsed.TotalSeconds:0.0} s, then VACUUM ANALYZE)");

        Guid segmentId;
        await using (var scope = services.CreateAsyncScope())
        {
            Tenant(scope, tenantId);
            using var rule = JsonDocument.Parse("""{"all":[]}""");
            segmentId = (await scope.ServiceProvider.GetRequiredService<SegmentService>().SaveAsync(null, "Все", rule.RootElement.Clone(), null)).Segment!.Id;
        }

        var expected = await ExpectedAsync(connectionString, tenantId, audience.TombstonedIds);
        await CheckpointAsync(connectionString);
        var baseline = await BaselineAsync(connectionString, tenantId);
        Console.WriteLine($"   baseline (one COPY of sha256 hex of the consented, unsuppressed, unerased contacts' phone ciphers, read to the end): "
            + $"{baseline.Seconds:0.0} s, {baseline.Lines:N0} lines");

        // Memory: what the load left behind is collected and the kernel's peak-RSS counter reset, so the peak read after
        // the export is the export's.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var resetPeak = ResetPeakResidentSet();
        var rssBefore = Environment.WorkingSet;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var sampler = new HeapSampler();

        sw.Restart();
        Guid exportId;
        await using (var scope = services.CreateAsyncScope())
        {
            Tenant(scope, tenantId);
            var exports = scope.ServiceProvider.GetRequiredService<AudienceExports>();
            var requested = await exports.RequestAsync(segmentId, AudienceFormats.Meta);
            exportId = requested.Export?.Id ?? throw new InvalidOperationException(string.Join("; ", requested.Errors.ByField.SelectMany(e => e.Value)));
            await exports.RunAsync(exportId);
        }

        var job = sw.Elapsed;
        long? written;
        var file = new LineCheckingStream();
        await using (var scope = services.CreateAsyncScope())
        {
            Tenant(scope, tenantId);
            written = await scope.ServiceProvider.GetRequiredService<AudienceExports>().WriteFileAsync(exportId, file);
        }

        var total = sw.Elapsed;
        var peakRss = resetPeak ? PeakResidentSet() : sampler.PeakWorkingSet;
        sampler.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        long recorded;
        await using (var scope = services.CreateAsyncScope())
        {
            recorded = (await Tenant(scope, tenantId).AudienceExports.AsNoTracking().SingleAsync(e => e.Id == exportId)).Count ?? -1;
        }

        var ok = written == expected && recorded == expected && file.Hashes == expected && file.BadLines == 0 && file.Header == "phone";
        Console.WriteLine($"   export: {recorded:N0} members recorded, {written:N0} hashes written ({file.Bytes / 1048576.0:0.0} MiB, Meta format), expected {expected:N0}; "
            + (ok ? "counts and line shapes verified" : $"MISMATCH (header «{file.Header}», {file.BadLines:N0} malformed lines)"));
        Console.WriteLine($"   job (membership): {job.TotalSeconds:0.0} s; download (decrypt, hash, stream): {(total - job).TotalSeconds:0.0} s; "
            + $"total {total.TotalSeconds:0.0} s (target < 30 s), {total.TotalSeconds / baseline.Seconds:0.0}× the baseline");
        // The whole process's peak includes what the runtime, the loader's services and the EF model held before; the growth is the export's own.
        Console.WriteLine($"   memory: peak resident set during the export {peakRss / 1048576.0:0.0} MiB ({(resetPeak ? "kernel high-water mark, reset after the load" : "sampled every 20 ms")}; "
            + $"{rssBefore / 1048576.0:0.0} MiB before it, so the export's own growth {(peakRss - rssBefore) / 1048576.0:0.0} MiB; target < 200 MiB), managed heap peak {sampler.PeakHeap / 1048576.0:0} MiB, "
            + $"{allocated / 1048576.0:N0} MiB allocated in all; load average {LoadAverage()}");
        if (!ok) throw new InvalidOperationException("The audience file does not hold exactly the expected members.");
        if (Environment.GetEnvironmentVariable("PHONECRM_BENCH_EXPLAIN") is { Length: > 0 }) await ExplainMembershipAsync(connectionString, tenantId, exportId);
    }

    /// <summary>The membership statement again (segment «all»), explained with its triggers and WAL, in a transaction rolled back.</summary>
    private static async Task ExplainMembershipAsync(string connectionString, Guid tenantId, Guid exportId)
    {
        foreach (var (name, tail) in new[] { ("as the job runs it", "ON CONFLICT DO NOTHING"), ("in contact order, no ON CONFLICT", "ORDER BY c.id") })
        {
            await using var conn = await TenantConnectionAsync(connectionString, tenantId);
            await using var tx = await conn.BeginTransactionAsync();
            await using (var delete = new NpgsqlCommand("DELETE FROM audience_export_members WHERE export_id = @e", conn, tx)) { delete.Parameters.AddWithValue("e", exportId); await delete.ExecuteNonQueryAsync(); }
            await using var cmd = new NpgsqlCommand($"""
                EXPLAIN (ANALYZE, BUFFERS, WAL)
                INSERT INTO audience_export_members (tenant_id, export_id, contact_id)
                SELECT @t, @e, c.id
                FROM (SELECT c.id FROM contacts c WHERE c.tenant_id = @t AND c.status <> 'erased') m
                JOIN contacts c ON c.tenant_id = @t AND c.id = m.id AND c.status <> 'erased'
                WHERE EXISTS (SELECT 1 FROM consent_states s WHERE s.tenant_id = c.tenant_id AND s.contact_id = c.id
                                AND s.purpose = 'ad_audiences' AND s.status = 'active' AND (s.expires_at IS NULL OR s.expires_at > now()))
                  AND NOT EXISTS (SELECT 1 FROM suppressions sup WHERE sup.tenant_id = c.tenant_id AND sup.phone_index = c.phone_index)
                {tail}
                """, conn, tx) { CommandTimeout = 0 };
            cmd.Parameters.AddWithValue("t", tenantId);
            cmd.Parameters.AddWithValue("e", exportId);
            Console.WriteLine($"   EXPLAIN membership {name}:");
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) Console.WriteLine("     " + reader.GetString(0));
            await tx.RollbackAsync();
        }
    }

    private sealed record Audience(long Active, long Withdrawn, long Expired, long Suppressed, long Tombstones, Guid[] TombstonedIds);

    private async Task<(long Contacts, Audience Audience)> LoadAsync(string connectionString, Guid tenantId, PiiProtector pii, BlindIndex blind)
    {
        var loaded = await BenchContacts.LoadAsync(connectionString, tenantId, new BenchContactOptions(contacts, Orders: false, pii, blind));
        return (loaded.Contacts, await LoadAudienceAsync(connectionString, tenantId, loaded.Ids, blind));
    }

    /// <summary>Ad consents, suppressions and tombstones, COPYed as the superuser with triggers off (RLS refuses COPY FROM).</summary>
    private static async Task<Audience> LoadAudienceAsync(string connectionString, Guid tenantId, Guid[] ids, BlindIndex blind)
    {
        var superuser = new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false, CommandTimeout = 0 };
        await using var conn = new NpgsqlConnection(superuser.ConnectionString);
        await conn.OpenAsync();
        await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", conn)) await replica.ExecuteNonQueryAsync();
        var r = new Random(45);
        var now = DateTimeOffset.UtcNow;
        long active = 0, withdrawn = 0, expired = 0, suppressed = 0;
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY consent_states (tenant_id, contact_id, purpose, channel, status, granted_at, withdrawn_at, expires_at, legal_basis, last_record_id) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var contact in ids)
            {
                var x = r.Next(100);
                if (x >= 67) continue;
                var state = x < 60 ? "active" : x < 65 ? "withdrawn" : "expired";
                var granted = now.AddDays(-r.Next(1, 360));
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(contact, NpgsqlDbType.Uuid);
                await w.WriteAsync(ConsentTerms.AdAudiences, NpgsqlDbType.Varchar);
                await w.WriteAsync("web", NpgsqlDbType.Varchar);
                await w.WriteAsync(state == "withdrawn" ? "withdrawn" : "active", NpgsqlDbType.Varchar);
                await w.WriteAsync(state == "expired" ? now.AddDays(-400) : granted, NpgsqlDbType.TimestampTz);
                if (state == "withdrawn") await w.WriteAsync(granted.AddDays(1), NpgsqlDbType.TimestampTz);
                else await w.WriteNullAsync();
                await w.WriteAsync(state == "expired" ? now.AddDays(-35) : granted.AddDays(365), NpgsqlDbType.TimestampTz);
                await w.WriteAsync("consent", NpgsqlDbType.Varchar);
                await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                _ = state switch { "active" => active++, "withdrawn" => withdrawn++, _ => expired++ };
            }

            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync("COPY suppressions (tenant_id, phone_index, scope, reason, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 5; i < ids.Length; i += SuppressEvery)
            {
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(blind.ForTenant(tenantId, BlindIndex.TenantBoundVersion).Phone(BenchContacts.PhoneOf(i)), NpgsqlDbType.Bytea);
                await w.WriteAsync(SuppressionScopes.Marketing, NpgsqlDbType.Varchar);
                await w.WriteAsync("stop", NpgsqlDbType.Varchar);
                await w.WriteAsync(now.AddDays(-3), NpgsqlDbType.TimestampTz);
                suppressed++;
            }

            await w.CompleteAsync();
        }

        // Numbers erased once and brought back by an import: only their keyed tombstone marks them.
        var tombstoned = new List<Guid>();
        await using (var w = await conn.BeginBinaryImportAsync("COPY erasure_tombstones (tenant_id, phone_hash, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 11; i < ids.Length; i += TombstoneEvery)
            {
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(blind.Tombstone(tenantId, blind.ForTenant(tenantId, BlindIndex.TenantBoundVersion).Phone(BenchContacts.PhoneOf(i))), NpgsqlDbType.Bytea);
                await w.WriteAsync(now.AddDays(-30), NpgsqlDbType.TimestampTz);
                tombstoned.Add(ids[i]);
            }

            await w.CompleteAsync();
        }

        await using (var normal = new NpgsqlCommand("SET session_replication_role = DEFAULT", conn)) await normal.ExecuteNonQueryAsync();
        await using (var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) consent_states, suppressions, erasure_tombstones", conn) { CommandTimeout = 0 })
            await vacuum.ExecuteNonQueryAsync();

        return new Audience(active, withdrawn, expired, suppressed, tombstoned.Count, [.. tombstoned]);
    }

    /// <summary>The members the file must hold, counted independently of the export's code.</summary>
    private static async Task<long> ExpectedAsync(string connectionString, Guid tenantId, Guid[] tombstoned)
    {
        await using var conn = await TenantConnectionAsync(connectionString, tenantId);
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM contacts c WHERE {Eligible} AND NOT (c.id = ANY(@tombstoned))", conn) { CommandTimeout = 0 };
        cmd.Parameters.AddWithValue("tombstoned", tombstoned);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private const string Eligible = """
        c.status <> 'erased'
        AND EXISTS (SELECT 1 FROM consent_states s WHERE s.tenant_id = c.tenant_id AND s.contact_id = c.id AND s.purpose = 'ad_audiences'
                      AND s.status = 'active' AND (s.expires_at IS NULL OR s.expires_at > now()))
        AND NOT EXISTS (SELECT 1 FROM suppressions sup WHERE sup.tenant_id = c.tenant_id AND sup.phone_index = c.phone_index)
        """;

    private static async Task<(double Seconds, long Lines)> BaselineAsync(string connectionString, Guid tenantId)
    {
        await using var conn = await TenantConnectionAsync(connectionString, tenantId);
        var sw = Stopwatch.StartNew();
        long lines = 0;
        using (var reader = await conn.BeginTextExportAsync(
            $"COPY (SELECT encode(sha256(c.phone_cipher), 'hex') FROM contacts c WHERE {Eligible} ORDER BY c.id) TO STDOUT"))
        {
            while (await reader.ReadLineAsync() is not null) lines++;
        }

        return (sw.Elapsed.TotalSeconds, lines);
    }

    private static async Task<NpgsqlConnection> TenantConnectionAsync(string connectionString, Guid tenantId)
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using (var set = TenantConnectionInterceptor.Apply(conn, tenantId, null)) await set.ExecuteNonQueryAsync();
        return conn;
    }

    private static async Task CheckpointAsync(string connectionString)
    {
        var superuser = new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false };
        await using var conn = new NpgsqlConnection(superuser.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("CHECKPOINT", conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Resets the kernel's peak resident set (VmHWM) of this process to its current size (Linux: <c>5</c> to clear_refs).</summary>
    private static bool ResetPeakResidentSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long PeakResidentSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
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

    /// <summary>Samples the managed heap and the resident set every 20 ms until disposed.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public HeapSampler() => _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                PeakHeap = Math.Max(PeakHeap, GC.GetTotalMemory(false));
                PeakWorkingSet = Math.Max(PeakWorkingSet, Environment.WorkingSet);
                try { await Task.Delay(20, _stop.Token); }
                catch (OperationCanceledException) { break; }
            }
        });

        public long PeakHeap { get; private set; }
        public long PeakWorkingSet { get; private set; }

        public void Stop()
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            _loop.GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            Stop();
            _stop.Dispose();
        }
    }

    /// <summary>What a client receiving the download sees: the header line, then lines of 64 lowercase hex characters, counted.</summary>
    private sealed class LineCheckingStream : Stream
    {
        private readonly System.Text.StringBuilder _header = new();
        private bool _inHeader = true;
        private int _lineLength;

        public long Bytes { get; private set; }
        public long Hashes { get; private set; }
        public long BadLines { get; private set; }
        public string Header => _header.ToString();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Bytes += buffer.Length;
            foreach (var b in buffer)
            {
                if (b == (byte)'\n')
                {
                    if (_inHeader) _inHeader = false;
                    else if (_lineLength == 64) Hashes++;
                    else BadLines++;
                    _lineLength = 0;
                }
                else if (_inHeader)
                {
                    _header.Append((char)b);
                }
                else if (b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f'))
                {
                    _lineLength++;
                }
                else
                {
                    _lineLength = int.MinValue / 2; // never 64: the line is malformed
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Bytes;
        public override long Position { get => Bytes; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static PhoneCrmDbContext Tenant(AsyncServiceScope scope, Guid tenantId)
    {
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        return scope.ServiceProvider.GetRequiredService<PhoneCrmDbContext>();
    }

    /// <summary>The app's registrations (<see cref="BenchServices"/>) with the ad-audience exports.</summary>
    private static ServiceProvider Services(string connectionString, PiiKeyRing ring, PiiProtector pii, BlindIndex blind)
    {
        var services = BenchServices.Create(connectionString, ring, pii, blind);
        services.AddScoped<AudienceExports>();
        return services.Build();
    }
}
