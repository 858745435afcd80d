using System.Diagnostics;
using System.Text.Json;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Infrastructure.Hygiene.LineStatus;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Segments;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Bench;

/// <summary>
/// Each hygiene job (api-v1 "Hygiene jobs") run once, as <c>jobs run &lt;id&gt;</c> does (<see cref="TenantJobRunner.RunNowAsync"/>:
/// the tenant's scope, the advisory lock, the run history), over a tenant of N contacts with a sending history: ~2
/// marketing messages per contact in the last 90 days (0.5 % of numbers failing on 3 days, 0.5 % on 2), clicks, replies,
/// a consent ledger behind every consent state, planted opt-out mismatches. Then each job again: the second run must
/// change nothing. Baseline, same run: one sequential pass over the rows a job reads (<c>count(*)</c> of the tenant's
/// contacts, messages and consent records) — the least any job that looks at every contact can do.
/// </summary>
public sealed class HygieneBenchmark(int contacts) : IBenchmark
{
    private static readonly string[] JobIds =
    [
        FailedDeliveriesJob.JobId, EngagementJob.JobId, OptOutReconciliationJob.JobId, ValidateNumbersJob.JobId, ReconsentJob.JobId,
    ];

    /// <summary>Planted anomalies: every 1,000th contact's marketing consent disagrees with the ledger or the opt-out journal.</summary>
    private const int PlantEvery = 1000;

    public string Name => "hygiene";
    public string Description => $"each hygiene job once (as `jobs run`) over {contacts:N0} contacts with a sending history; baseline: one sequential pass over the tables";

    public async Task RunAsync()
    {
        await using var cluster = await BenchCluster.StartAsync(Environment.GetEnvironmentVariable("PHONECRM_BENCH_DATA"));
        var connectionString = cluster.ConnectionString;
        var ring = PiiKeyRing.CreateForTests();
        using var pii = new PiiProtector(ring);
        using var blind = new BlindIndex(ring);
        var tenantId = Guid.CreateVersion7();
        await using var services = Services(connectionString, ring, pii, blind);
        await using (var scope = services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
            var db = scope.ServiceProvider.GetRequiredService<PhoneCrmDbContext>();
            db.Tenants.Add(new Tenant { Id = tenantId, Name = "Bench", CreatedAt = DateTimeOffset.UtcNow, TimeZone = "Europe/Moscow" });
            await db.SaveChangesAsync();
        }

        var sw = Stopwatch.StartNew();
        var loaded = await BenchContacts.LoadAsync(connectionString, tenantId, new BenchContactOptions(contacts, Orders: true, pii, blind));
        var history = await LoadHistoryAsync(connectionString, tenantId, loaded.Ids, blind);
        Console.WriteLine($"   loaded with COPY: {loaded.Contacts:N0} contacts (encrypted phones), {loaded.Events:N0} order events, {loaded.Consents:N0} consent states "
            + $"with {history.Records:N0} ledger records, {history.Messages:N0} messages ({history.Failing:N0} numbers failing on 3 days), "
            + $"{history.Clicks:N0} clicked links, {history.Replies:N0} replies, {history.Planted:N0} planted mismatches ({sw.Elapsed.TotalSeconds:0.0} s, then VACUUM ANALYZE)");

        var baseline = await BaselineAsync(connectionString, tenantId);
        Console.WriteLine($"   baseline (count(*) of contacts, sms_messages, consent_records, consent_states): {baseline * 1000:N0} ms");
        Console.WriteLine($"   {"job",-32} {"first run",10} {"changed",10} {"second run",11} {"changed",8} {"first/baseline",15}");
        var slowest = 0.0;
        var secondRunsClean = true;
        foreach (var jobId in JobIds)
        {
            var (first, changedFirst) = await RunAsync(services, jobId);
            var (second, changedSecond) = await RunAsync(services, jobId);
            slowest = Math.Max(slowest, first);
            // The re-consent job's second run may send what its first could not (caps); every other job must be a no-op.
            if (changedSecond != 0) secondRunsClean = false;
            Console.WriteLine($"   {jobId,-32} {first,8:0.0} s {changedFirst,10:N0} {second,9:0.0} s {changedSecond,8:N0} {first / baseline,14:0.0}×");
        }

        Console.WriteLine($"   slowest first run: {slowest:0.0} s (target: each < 120 s at 1M contacts); second runs {(secondRunsClean ? "changed nothing" : "CHANGED ROWS")}");

        // The daily case: counters are current (the runs above), then a day's campaign is delivered to every 10th contact.
        var delivered = await DeliverCampaignAsync(connectionString, tenantId, loaded.Ids, blind);
        var (daily, changedDaily) = await RunAsync(services, EngagementJob.JobId);
        Console.WriteLine($"   daily {EngagementJob.JobId} after a campaign delivered to {delivered:N0}: {daily:0.0} s, {changedDaily:N0} contacts changed");
        if (!secondRunsClean) throw new InvalidOperationException("A hygiene job's second run changed rows.");
    }

    private static async Task<(double Seconds, int Changed)> RunAsync(ServiceProvider services, string jobId)
    {
        var sw = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var (_, changed) = await scope.ServiceProvider.GetRequiredService<TenantJobRunner>().RunNowAsync(jobId, CancellationToken.None);
        return (sw.Elapsed.TotalSeconds, changed);
    }

    private static async Task<double> BaselineAsync(string connectionString, Guid tenantId)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using (var set = TenantConnectionInterceptor.Apply(conn, tenantId, null)) await set.ExecuteNonQueryAsync();
        var sw = Stopwatch.StartNew();
        await using var cmd = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM sms_messages), (SELECT count(*) FROM consent_records),
                   (SELECT count(*) FROM consent_states)
            """, conn) { CommandTimeout = 0 };
        await cmd.ExecuteScalarAsync();
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>The app's registrations (<see cref="BenchServices"/>) with the hygiene jobs.</summary>
    private static ServiceProvider Services(string connectionString, PiiKeyRing ring, PiiProtector pii, BlindIndex blind)
    {
        var services = BenchServices.Create(connectionString, ring, pii, blind, new Dictionary<string, string?>
        {
            // The simulator's line check: the first 1,000 bench numbers (+79000000xxx) are disconnected.
            [$"{SimulatorLineStatusProvider.PrefixesSection}:79000000"] = "disconnected",
        });
        services.AddScoped<FailedDeliveriesJob>();
        services.AddSingleton(FailedDeliveriesJob.Definition);
        services.AddScoped<EngagementJob>();
        services.AddSingleton(EngagementJob.Definition);
        services.AddScoped<OptOutReconciliationJob>();
        services.AddSingleton(OptOutReconciliationJob.Definition);
        services.AddScoped<ValidateNumbersJob>();
        services.AddSingleton(ValidateNumbersJob.Definition);
        services.AddScoped<Reconsents>();
        services.AddScoped<ReconsentJob>();
        services.AddSingleton(ReconsentJob.Definition);
        return services.Build();
    }

    private sealed record History(long Records, long Messages, long Failing, long Clicks, long Replies, long Planted);

    /// <summary>What months of sending and consent-taking leave behind, COPYed as the superuser (RLS refuses COPY FROM).</summary>
    private static async Task<History> LoadHistoryAsync(string connectionString, Guid tenantId, Guid[] ids, BlindIndex blind)
    {
        var superuser = new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false, CommandTimeout = 0 };
        await using var conn = new NpgsqlConnection(superuser.ConnectionString);
        await conn.OpenAsync();
        var now = DateTimeOffset.UtcNow;
        var r = new Random(14);

        // The ledger behind the states; planted: every 1,000th active marketing state missed a newer withdrawal.
        await BenchContacts.LoadLedgerAsync(conn, tenantId, plantEvery: PlantEvery);
        var records = await CountAsync(conn, $"SELECT count(*) FROM consent_records WHERE tenant_id = '{tenantId}'");

        // The opt-out journal: every 1,000th number (offset 500) replied STOP yesterday, and the ledger never heard of it.
        long planted = await CountAsync(conn, $"SELECT count(*) FROM consent_records WHERE tenant_id = '{tenantId}' AND captured_at > now() - interval '2 days'");
        await using (var w = await conn.BeginBinaryImportAsync("COPY suppressions (tenant_id, phone_index, scope, reason, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = PlantEvery / 2; i < ids.Length; i += PlantEvery)
            {
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(blind.ForTenant(tenantId, BlindIndex.TenantBoundVersion).Phone(BenchContacts.PhoneOf(i)), NpgsqlDbType.Bytea);
                await w.WriteAsync(SuppressionScopes.Marketing, NpgsqlDbType.Varchar);
                await w.WriteAsync("stop", NpgsqlDbType.Varchar);
                await w.WriteAsync(now.AddDays(-1), NpgsqlDbType.TimestampTz);
                planted++;
            }

            await w.CompleteAsync();
        }

        // Messages: 0–4 marketing messages per contact over the last 90 days, delivered; 0.5 % of numbers failed on 3
        // different days in the last 30 (the job marks them), 0.5 % on 2 (it must not).
        long messages = 0, failing = 0;
        var cipher = new byte[60];
        r.NextBytes(cipher);
        await using (var w = await conn.BeginBinaryImportAsync(BenchMessages.Copy))
        {
            for (var i = 0; i < ids.Length; i++)
            {
                var failedDays = i % 200 == 7 ? 3 : i % 200 == 8 ? 2 : 0;
                if (failedDays == 3) failing++;
                var n = failedDays > 0 ? failedDays : r.Next(5);
                var index = blind.ForTenant(tenantId, BlindIndex.TenantBoundVersion).Phone(BenchContacts.PhoneOf(i));
                for (var k = 0; k < n; k++)
                {
                    var at = failedDays > 0 ? now.AddDays(-(2 + (k * 5))).AddMinutes(-r.Next(600)) : now.AddDays(-r.Next(1, 90)).AddMinutes(-r.Next(600));
                    await BenchMessages.WriteAsync(w, tenantId, ids[i], index, cipher, 1, 3.95m, $"history:{k}:{ids[i]}", $"sim-history-{k}-{i}",
                        failedDays > 0 ? SmsStatus.Undelivered : SmsStatus.Delivered, at);
                    messages++;
                }
            }

            await w.CompleteAsync();
        }

        // Engagement other than orders: 5 % clicked a campaign link in the last 60 days, 1 % replied.
        long clicks = 0, replies = 0;
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY short_links (owner_tenant_id, code, url, contact_id, clicks, created_at, first_clicked_at, last_clicked_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 3; i < ids.Length; i += 20)
            {
                var at = now.AddDays(-r.Next(1, 60));
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync($"b{i:x9}", NpgsqlDbType.Varchar);
                await w.WriteAsync("https://shop.example/sale", NpgsqlDbType.Text);
                await w.WriteAsync(ids[i], NpgsqlDbType.Uuid);
                await w.WriteAsync(1, NpgsqlDbType.Integer);
                await w.WriteAsync(at.AddDays(-1), NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                clicks++;
            }

            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY sms_inbound (tenant_id, id, contact_id, from_cipher, from_index, \"to\", text_cipher, kind, dedup_key, received_at, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 9; i < ids.Length; i += 100)
            {
                var at = now.AddDays(-r.Next(1, 120));
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(Guid.CreateVersion7(at), NpgsqlDbType.Uuid);
                await w.WriteAsync(ids[i], NpgsqlDbType.Uuid);
                await w.WriteAsync(cipher, NpgsqlDbType.Bytea);
                await w.WriteAsync(blind.ForTenant(tenantId, BlindIndex.TenantBoundVersion).Phone(BenchContacts.PhoneOf(i)), NpgsqlDbType.Bytea);
                await w.WriteAsync("900", NpgsqlDbType.Varchar);
                await w.WriteAsync(cipher, NpgsqlDbType.Bytea);
                await w.WriteAsync("reply", NpgsqlDbType.Varchar);
                await w.WriteAsync($"bench-{i}", NpgsqlDbType.Varchar);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                replies++;
            }

            await w.CompleteAsync();
        }

        await ExecAsync(conn, "VACUUM (ANALYZE) consent_records, consent_states, suppressions, sms_messages, short_links, sms_inbound, contacts");
        return new History(records, messages, failing, clicks, replies, planted);
    }

    /// <summary>A campaign delivered an hour ago to every 10th contact (its receipts in).</summary>
    private static async Task<long> DeliverCampaignAsync(string connectionString, Guid tenantId, Guid[] ids, BlindIndex blind)
    {
        var superuser = new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false, CommandTimeout = 0 };
        await using var conn = new NpgsqlConnection(superuser.ConnectionString);
        await conn.OpenAsync();
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        var cipher = new byte[60];
        long delivered = 0;
        await using (var w = await conn.BeginBinaryImportAsync(BenchMessages.Copy))
        {
            for (var i = 0; i < ids.Length; i += 10)
            {
                await BenchMessages.WriteAsync(w, tenantId, ids[i], blind.ForTenant(tenantId, BlindIndex.TenantBoundVersion).Phone(BenchContacts.PhoneOf(i)), cipher, 1, 3.95m, $"today:{ids[i]}",
                    $"sim-today-{i}", SmsStatus.Delivered, at);
                delivered++;
            }

            await w.CompleteAsync();
        }

        await ExecAsync(conn, "ANALYZE sms_messages");
        return delivered;
    }

    private static async Task<int> ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        return await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
