using System.Collections.Concurrent;
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
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Segments;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Bench;

/// <summary>
/// A marketing campaign to a saved segment of every contact, through the real services on a private PostgreSQL:
/// <see cref="CampaignService"/> creates and starts it (as the API does), then the Hangfire jobs enqueued through
/// <see cref="ICampaignScheduler"/> — <see cref="CampaignJobs.PlanAsync"/> and one <see cref="CampaignJobs.RunBatchAsync"/> per batch (policy, render,
/// <see cref="SmsOutbox"/>, <see cref="SmsDelivery"/> to the simulator provider) — are run in-process by
/// <see cref="Workers"/> workers, each job in its own DI scope, as Hangfire's server would (no Hangfire storage).
/// Baseline, same run: a raw binary COPY of exactly the <c>sms_messages</c> rows the run created (dumped after it)
/// into <c>LIKE sms_messages INCLUDING ALL</c> with the same foreign keys, no RLS.
/// </summary>
public sealed class DispatchBenchmark(int recipients) : IBenchmark
{
    /// <summary>Hangfire's worker count on this machine, as the app configures it (<c>Jobs:WorkerCount</c> default).</summary>
    private static readonly int Workers = Math.Max(2, Environment.ProcessorCount * 2);

    public const string Text = "{{firstName}}, весенняя распродажа семян: -30% до воскресенья. Отписка: СТОП";

    public string Name => "dispatch";
    public string Description => $"a marketing campaign to {recipients:N0} contacts through the send policy to the simulator; baseline: raw binary COPY of the created sms_messages rows";

    public async Task RunAsync()
    {
        await using var cluster = await BenchCluster.StartAsync();
        var root = cluster.Root;
        var connectionString = cluster.ConnectionString;
        try
        {
            if (Environment.GetEnvironmentVariable("PHONECRM_AUTOEXPLAIN") is { Length: > 0 } ms) await AutoExplainAsync(connectionString, ms);
            var tenantId = Guid.CreateVersion7();
            var ring = PiiKeyRing.CreateForTests();
            using var pii = new PiiProtector(ring);
            using var blind = new BlindIndex(ring);
            var jobs = new RecordingJobClient();
            await using var services = Services(connectionString, ring, pii, blind, jobs);

            await using (var scope = services.CreateAsyncScope())
            {
                var db = Tenant(scope, tenantId);
                db.Tenants.Add(new Tenant { Id = tenantId, Name = "Bench", CreatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
            }

            var sw = Stopwatch.StartNew();
            var loaded = await BenchContacts.LoadAsync(connectionString, tenantId, new BenchContactOptions(recipients, Orders: false, pii, blind));
            var history = await LoadHistoryAsync(connectionString, tenantId, loaded.Ids, blind);
            Console.WriteLine($"   loaded with COPY: {loaded.Contacts:N0} contacts (encrypted phones and names, 14 time zones, 1 % landlines, 3 % unreachable/erased), "
                + $"{loaded.Consents:N0} consent states, {history.Suppressions:N0} suppressions, {history.Messages:N0} earlier campaign messages "
                + $"({sw.Elapsed.TotalSeconds:0.0} s, then ANALYZE)");

            // The tenant's window is opened to the whole day so that no recipient is deferred by the hour the bench
            // runs at (each decision still converts the time into the recipient's zone); caps stay at the defaults.
            Guid campaignId;
            await using (var scope = services.CreateAsyncScope())
            {
                Tenant(scope, tenantId);
                var settings = scope.ServiceProvider.GetRequiredService<SendingSettingsService>();
                var (_, errors) = await settings.SaveAsync(new SendingSettingsDto
                {
                    TimeZone = "Europe/Moscow",
                    MarketingWindow = new SendingSettingsDto.WindowDto { From = "00:00", To = "00:00", Days = [.. WeekDays.All] },
                    Caps = new SendingSettingsDto.CapsDto { PerDay = 2, InformationalPerWeek = 2, PromotionalPerMonth = 2 },
                });
                if (!errors.IsValid) throw new InvalidOperationException(string.Join("; ", errors.ByField.SelectMany(e => e.Value)));
                using var rule = JsonDocument.Parse("""{"all":[]}""");
                var segment = await scope.ServiceProvider.GetRequiredService<SegmentService>().SaveAsync(null, "Все", rule.RootElement.Clone(), null);
                var campaigns = scope.ServiceProvider.GetRequiredService<CampaignService>();
                var (campaign, campaignErrors) = await campaigns.CreateAsync(new CampaignInput
                {
                    Name = "Весенняя распродажа",
                    SegmentId = segment.Segment!.Id,
                    Purpose = "marketing",
                    Category = SmsCategories.Promotional,
                    Text = Text,
                }, null);
                if (campaign is null) throw new InvalidOperationException(string.Join("; ", campaignErrors.ByField.SelectMany(e => e.Value)));
                campaignId = campaign.Id;
                Console.WriteLine($"   sending window set to 00:00–00:00 every day (open all day: nothing deferred whatever the hour); caps 2/day, 2 promotional/month; "
                    + $"campaign text {SmsText.Measure(Text).Segments} segment(s), UCS-2");
                await CheckpointAsync(connectionString);

                sw.Restart();
                if (await campaigns.StartAsync(campaignId) != CampaignCommandResult.Ok) throw new InvalidOperationException("Start refused.");
            }

            // (a) planning: the plan job, as Hangfire would run it.
            var started = sw.Elapsed;
            await jobs.RunNextAsync(services);
            var planned = sw.Elapsed;
            var batches = jobs.Pending;
            var plan = await VerifyAsync(connectionString, tenantId, campaignId);
            Console.WriteLine($"   planned: {plan.Recipients:N0} recipients = to send {plan.Pending:N0} in {batches:N0} batches of ≤ {BatchSize(services)} + skipped {plan.Skipped:N0} "
                + $"({string.Join(", ", plan.Reasons.Select(r => $"{r.Key} {r.Value:N0}"))}) + deferred {plan.Deferred:N0}");

            // (b) dispatch: the batch jobs on the workers.
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => jobs.DrainAsync(services)));
            var dispatched = sw.Elapsed;

            var result = await VerifyAsync(connectionString, tenantId, campaignId);
            Console.WriteLine($"   recipients: {result.Recipients:N0} = sent {result.Sent:N0} + skipped {result.Skipped:N0} ({string.Join(", ", result.Reasons.Select(r => $"{r.Key} {r.Value:N0}"))}) "
                + $"+ deferred {result.Deferred:N0} + pending {result.Pending:N0}; campaign {result.Status}");
            Console.WriteLine($"   messages: {result.Messages:N0} rows for {result.MessageContacts:N0} contacts, {result.SentMessages:N0} sent/delivered, "
                + $"{result.SimulatorRows:N0} accepted by the simulator; duplicates {result.Messages - result.MessageContacts:N0}");
            var ok = plan.Recipients == result.Recipients && plan.Pending + plan.Skipped + plan.Deferred == plan.Recipients
                && result.Pending == 0 && result.Deferred == 0 && result.Status == CampaignStatus.Completed && result.Sent == result.Messages
                && result.Messages == result.MessageContacts && result.SentMessages == result.Messages && result.SimulatorRows == result.Messages
                && result.Recipients == result.Sent + result.Skipped;
            Console.WriteLine(ok ? "   counts verified: every eligible recipient has exactly one sent message, nothing pending"
                : "   COUNTS DO NOT MATCH");

            var dispatchSeconds = (dispatched - planned).TotalSeconds;
            var rate = result.Messages / dispatchSeconds;
            Console.WriteLine($"   audience fully planned (plan job: snapshot + a policy decision for every recipient, reasons recorded): {(planned - started).TotalSeconds:0.0} s (target < 120 s)");
            Console.WriteLine($"   dispatch: {rate,9:N0} messages/s ({result.Messages:N0} messages in {dispatchSeconds:0.0} s after the plan job; "
                + $"{Workers} workers; target ≥ 2,000)");
            Console.WriteLine($"   end to end: {result.Messages / dispatched.TotalSeconds:N0} messages/s ({dispatched.TotalSeconds:0.0} s from start)");

            var dump = Path.Combine(root, "sms_messages.copy");
            var baseline = await RawCopyAsync(connectionString, tenantId, campaignId, dump);
            var rawRate = result.Messages / baseline;
            Console.WriteLine($"   raw COPY:  {rawRate,9:N0} rows/s ({result.Messages:N0} sms_messages rows in {baseline:0.0} s)");
            Console.WriteLine($"   ratio: {rate / rawRate:P0} of the raw COPY throughput");
            if (!ok) throw new InvalidOperationException("The dispatch's counts do not match.");
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("PHONECRM_AUTOEXPLAIN") is { Length: > 0 }) File.Copy(Path.Combine(root, "pgdata", "server.log"), "/tmp/dispatch-server.log", true);
        }
    }

    private static int BatchSize(ServiceProvider services)
    {
        using var scope = services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<CampaignPlanner>().BatchSize;
    }

    private static PhoneCrmDbContext Tenant(AsyncServiceScope scope, Guid tenantId)
    {
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        return scope.ServiceProvider.GetRequiredService<PhoneCrmDbContext>();
    }

    /// <summary>The app's registrations for campaigns and SMS (ServiceRegistration.AddPhoneCrm), without the web parts and sweepers.</summary>
    private static ServiceProvider Services(string connectionString, PiiKeyRing ring, PiiProtector pii, BlindIndex blind, IBackgroundJobClient jobs)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jobs:Server"] = "false",
            ["Sms:Provider"] = SmsOptions.SimulatorName,
            ["Links:BaseUrl"] = "https://shop.example",
            ["Campaigns:BatchSize"] = Environment.GetEnvironmentVariable("PHONECRM_BENCH_BATCH"),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true));
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<TenantContext>();
        services.AddSingleton(ring);
        services.AddSingleton(pii);
        services.AddSingleton(blind);
        services.AddSingleton(jobs);
        services.AddScoped<ContactService>();
        services.AddScoped<SegmentService>();
        services.AddScoped<ConsentPurposes>();
        // What ShortLinks needs besides campaigns: preference links, the tenant's link domains, engagement on click.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddScoped<PreferenceLinks>();
        services.AddScoped<PublicSafetySettings>();
        services.AddScoped<PhoneCrm.Infrastructure.Hygiene.ContactEngagement>();
        CampaignServiceCollectionExtensions.AddCampaigns(services, config);
        services.AddMessaging(config, jobServer: false);
        services.AddDbContext<PhoneCrmDbContext>((sp, o) => o
            .UseNpgsql(connectionString, n => n.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new TenantConnectionInterceptor(sp.GetRequiredService<TenantContext>())));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private sealed record History(long Suppressions, long Messages);

    /// <summary>
    /// What earlier sending left behind: 1 % of the numbers suppressed for marketing (STOP replies), and earlier
    /// promotional campaign messages in the last 30 days — one for 30 % of contacts, two for 2 % (capped now).
    /// </summary>
    private static async Task<History> LoadHistoryAsync(string connectionString, Guid tenantId, Guid[] ids, BlindIndex blind)
    {
        var superuser = new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false, CommandTimeout = 0 };
        await using var conn = new NpgsqlConnection(superuser.ConnectionString);
        await conn.OpenAsync();
        var now = DateTimeOffset.UtcNow;
        await BenchContacts.LoadLedgerAsync(conn, tenantId);
        long suppressions = 0, messages = 0;
        await using (var w = await conn.BeginBinaryImportAsync("COPY suppressions (tenant_id, phone_index, scope, reason, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 11; i < ids.Length; i += 100)
            {
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(blind.ForTenant(tenantId, BlindIndex.TenantBoundVersion).Phone(BenchContacts.PhoneOf(i)), NpgsqlDbType.Bytea);
                await w.WriteAsync(SuppressionScopes.Marketing, NpgsqlDbType.Varchar);
                await w.WriteAsync("stop", NpgsqlDbType.Varchar);
                await w.WriteAsync(now.AddDays(-20), NpgsqlDbType.TimestampTz);
                suppressions++;
            }

            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(BenchMessages.Copy))
        {
            var cipher = new byte[60];
            var r = new Random(7);
            for (var i = 0; i < ids.Length; i++)
            {
                var n = i % 50 == 5 ? 2 : i % 10 < 3 ? 1 : 0;
                for (var k = 0; k < n; k++)
                {
                    r.NextBytes(cipher);
                    var at = now.AddDays(-(3 + (k * 9) + (i % 7))).AddMinutes(-r.Next(600));
                    await BenchMessages.WriteAsync(w, tenantId, ids[i], blind.ForTenant(tenantId, BlindIndex.TenantBoundVersion).Phone(BenchContacts.PhoneOf(i)), cipher, 2, 7.9m, $"earlier:{k}:{ids[i]}",
                        $"sim-earlier-{k}-{i}", SmsStatus.Delivered, at);
                    messages++;
                }
            }

            await w.CompleteAsync();
        }

        await using var analyze = new NpgsqlCommand("ANALYZE contacts; ANALYZE consent_states; ANALYZE suppressions; ANALYZE sms_messages;", conn);
        await analyze.ExecuteNonQueryAsync();
        return new History(suppressions, messages);
    }

    private sealed record Verified(long Recipients, long Sent, long Skipped, long Deferred, long Pending, Dictionary<string, long> Reasons, string Status,
        long Messages, long MessageContacts, long SentMessages, long SimulatorRows);

    private static async Task<Verified> VerifyAsync(string connectionString, Guid tenantId, Guid campaignId)
    {
        await using var conn = await OpenAsTenantAsync(connectionString, tenantId);
        var reasons = new Dictionary<string, long>();
        long recipients = 0, sent = 0, skipped = 0, deferred = 0, pending = 0;
        await using (var cmd = new NpgsqlCommand("SELECT outcome, coalesce(reason, ''), count(*) FROM campaign_recipients WHERE campaign_id = @c GROUP BY 1, 2 ORDER BY 3 DESC", conn))
        {
            cmd.Parameters.AddWithValue("c", campaignId);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var (outcome, reason, n) = (r.GetString(0), r.GetString(1), r.GetInt64(2));
                recipients += n;
                switch (outcome)
                {
                    case RecipientOutcome.Sent: sent += n; break;
                    case RecipientOutcome.Skipped: skipped += n; reasons[reason] = n; break;
                    case RecipientOutcome.Deferred: deferred += n; break;
                    default: pending += n; break;
                }
            }
        }

        await using var q = new NpgsqlCommand("""
            SELECT (SELECT status FROM campaigns WHERE id = @c),
                   count(*), count(DISTINCT contact_id), count(*) FILTER (WHERE status IN ('sent','delivered')),
                   (SELECT count(*) FROM sms_simulator_messages s WHERE s.idempotency_key LIKE 'campaign:' || @c::text || ':%')
            FROM sms_messages WHERE campaign_id = @c
            """, conn);
        q.Parameters.AddWithValue("c", campaignId);
        q.CommandTimeout = 0;
        await using var m = await q.ExecuteReaderAsync();
        await m.ReadAsync();
        return new Verified(recipients, sent, skipped, deferred, pending, reasons, m.GetString(0), m.GetInt64(1), m.GetInt64(2), m.GetInt64(3), m.GetInt64(4));
    }

    private static async Task<NpgsqlConnection> OpenAsTenantAsync(string connectionString, Guid tenantId)
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = TenantConnectionInterceptor.Apply(conn, tenantId, null);
        await cmd.ExecuteNonQueryAsync();
        return conn;
    }

    private static async Task AutoExplainAsync(string connectionString, string ms)
    {
        var superuser = new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false };
        await using var conn = new NpgsqlConnection(superuser.ConnectionString);
        await conn.OpenAsync();
        foreach (var sql in new[] { "LOAD 'auto_explain'", "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'", $"ALTER SYSTEM SET auto_explain.log_min_duration = {ms}",
            "ALTER SYSTEM SET auto_explain.log_analyze = on", "ALTER SYSTEM SET auto_explain.log_nested_statements = on", "SELECT pg_reload_conf()" })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private static async Task CheckpointAsync(string connectionString)
    {
        var superuser = new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false, CommandTimeout = 0 };
        await using var conn = new NpgsqlConnection(superuser.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("VACUUM ANALYZE; CHECKPOINT", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Dumps the campaign's messages (binary COPY format), then times COPYing the file into a twin table.</summary>
    private static async Task<double> RawCopyAsync(string connectionString, Guid tenantId, Guid campaignId, string dump)
    {
        // The owner role: it owns the twin table (no RLS on it) and reads the messages through the tenant setting.
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using (var set = new NpgsqlCommand($"SELECT set_config('app.tenant_id', '{tenantId}', false)", conn))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using (var output = File.Create(dump))
        await using (var copyOut = await conn.BeginRawBinaryCopyAsync($"COPY (SELECT * FROM sms_messages WHERE campaign_id = '{campaignId}') TO STDOUT (FORMAT BINARY)"))
        {
            await copyOut.CopyToAsync(output);
        }

        await using (var cmd = new NpgsqlCommand("""
            CREATE TABLE bench_raw (LIKE sms_messages INCLUDING ALL);
            DO $$ DECLARE c record; BEGIN
              FOR c IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
                       WHERE conrelid = 'sms_messages'::regclass AND contype = 'f' LOOP
                EXECUTE format('ALTER TABLE bench_raw ADD CONSTRAINT %I %s', 'bench_' || c.conname, c.def);
              END LOOP;
            END $$;
            """, conn))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        await CheckpointAsync(connectionString);
        var sw = Stopwatch.StartNew();
        await using (var input = File.OpenRead(dump))
        await using (var copyIn = await conn.BeginRawBinaryCopyAsync("COPY bench_raw FROM STDIN (FORMAT BINARY)"))
        {
            await input.CopyToAsync(copyIn);
        }

        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>Hangfire's client, recording instead of storing: the bench's workers take the jobs in order.</summary>
    private sealed class RecordingJobClient : IBackgroundJobClient
    {
        private readonly ConcurrentQueue<Job> _queue = new();
        private int _running;

        public int Pending => _queue.Count;

        public string Create(Job job, IState state)
        {
            _queue.Enqueue(job);
            return Guid.NewGuid().ToString("N");
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;

        public async Task<bool> RunNextAsync(ServiceProvider services)
        {
            if (!_queue.TryDequeue(out var job)) return false;
            Interlocked.Increment(ref _running);
            try
            {
                // As Hangfire's AspNetCoreJobActivator: a scope per job, the job class resolved from it.
                await using var scope = services.CreateAsyncScope();
                // As TenantJobFilter: the tenant comes from the job's tenantId argument.
                var tenantArg = job.Method.GetParameters().Select((p, i) => (p, i)).FirstOrDefault(x => x.p.Name == "tenantId");
                if (tenantArg.p is not null && job.Args[tenantArg.i] is Guid tenantId)
                    scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
                var target = scope.ServiceProvider.GetRequiredService(job.Type);
                await (Task)job.Method.Invoke(target, [.. job.Args])!;
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }

            return true;
        }

        /// <summary>Runs jobs until none is queued and none is running (a running job may enqueue more).</summary>
        public async Task DrainAsync(ServiceProvider services)
        {
            while (true)
            {
                if (await RunNextAsync(services)) continue;
                if (Volatile.Read(ref _running) == 0 && _queue.IsEmpty) return;
                await Task.Delay(20);
            }
        }
    }
}
