using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Infrastructure.Analytics;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Messaging.Automations;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Bench;

/// <summary>
/// The analytics page's reads (issue 15 item 5) for one tenant with N contacts (the <c>segments</c> loader: ~3 orders per
/// contact over 3 years, withdrawn consents) and 200 campaigns, one every 2 days, each to <c>messages / 200</c> distinct
/// contacts (96 % delivered, 2 % read, 2 % undelivered), 3 % of recipients clicking its link, 0.05 % complaining.
/// Timed, p50/p95 over repeated runs after warm-ups: the comparison behind <c>GET /api/v1/analytics/campaigns</c> (last 90
/// days), the whole <c>/analytics</c> page (comparison, weekly series, sources, tracking numbers), and the drill-down of a
/// closed and of an open campaign. First the <see cref="ClosedFiguresJob"/> runs (as <c>jobs run</c>) and stores the
/// closed campaigns' figures, timed; its second run must change nothing. Baseline in the same run: a plain
/// <c>count(*) … GROUP BY campaign_id</c> over the tenant's messages.
/// </summary>
public sealed class AnalyticsBenchmark(int contacts, int messages) : IBenchmark
{
    public const int Campaigns = 200;

    public string Name => "analytics";
    public string Description => $"the analytics page's queries for {Campaigns} campaigns over {contacts:N0} contacts and {messages:N0} messages; baseline: count(*) of messages by campaign";

    public async Task RunAsync()
    {
        // PHONECRM_BENCH_DATA=<dir> keeps the loaded cluster there; the next run reuses it (new migrations still apply).
        await using var cluster = await BenchCluster.StartAsync(Environment.GetEnvironmentVariable("PHONECRM_BENCH_DATA"));
        var connectionString = cluster.ConnectionString;
        var ring = PiiKeyRing.CreateForTests();
        using var pii = new PiiProtector(ring);
        using var blind = new BlindIndex(ring);
        var services = BenchServices.Create(connectionString, ring, pii, blind);
        services.AddScoped<AnalyticsReports>();
        services.AddScoped<TrackingNumbers>();
        services.AddScoped<AutomationSettings>();
        services.AddScoped<ClosedFiguresJob>();
        services.AddSingleton(ClosedFiguresJob.Definition);
        await using var provider = services.Build();

        var marker = Path.Combine(cluster.Root, $"analytics-{contacts}-{messages}.tenant");
        Guid tenantId;
        if (File.Exists(marker))
        {
            tenantId = Guid.Parse(await File.ReadAllTextAsync(marker));
            Console.WriteLine($"   reusing the data loaded earlier in {cluster.Root}");
        }
        else
        {
            tenantId = Guid.CreateVersion7();
            var sw = Stopwatch.StartNew();
            var campaignIds = await CreateCampaignsAsync(provider, tenantId);
            var loaded = await BenchContacts.LoadAsync(connectionString, tenantId, new BenchContactOptions(contacts));
            var history = await LoadMessagesAsync(connectionString, tenantId, loaded.Ids, campaignIds);
            Console.WriteLine($"   loaded with COPY: {loaded.Contacts:N0} contacts, {loaded.Events:N0} order events, {loaded.Consents:N0} consent states, "
                + $"{Campaigns} campaigns with {history.Messages:N0} messages and recipients, {history.Clicks:N0} clicked links, "
                + $"{history.Complaints:N0} complaints ({sw.Elapsed.TotalSeconds:0.0} s, then VACUUM ANALYZE)");
            await File.WriteAllTextAsync(marker, tenantId.ToString()); // read back only when the folder is kept
        }

        var iterations = int.TryParse(Environment.GetEnvironmentVariable("PHONECRM_BENCH_ITERATIONS"), out var n) ? n : 20;
        Console.WriteLine($"   load average before timing: {LoadAverage()}");

        // The recurring job stores the closed campaigns' figures once; a second run finds nothing to do.
        var job = Stopwatch.StartNew();
        var (_, stored) = await RunJobAsync(provider, tenantId);
        var first = job.Elapsed.TotalSeconds;
        job.Restart();
        var (_, again) = await RunJobAsync(provider, tenantId);
        Console.WriteLine($"   {ClosedFiguresJob.JobId}: first run {first:0.0} s ({stored} campaigns stored), second run {job.Elapsed.TotalSeconds:0.0} s ({again} changed)");

        var now = DateTimeOffset.UtcNow;
        var (from, to) = (now.AddDays(-90), now);
        var (closedId, openId) = await InTenantAsync(provider, tenantId, async sp =>
        {
            var rows = await sp.GetRequiredService<AnalyticsReports>().CompareAsync(from, to);
            return (Guid.Parse(rows[^1].Id), Guid.Parse(rows[0].Id)); // newest first: the newest is open, the oldest in the period closed
        });

        var baseline = await MeasureAsync(iterations, () => InTenantAsync(provider, tenantId, async sp =>
        {
            // Opened through EF, so that the tenant connection interceptor sets the tenant (row-level security).
            var db = sp.GetRequiredService<PhoneCrmDbContext>();
            await db.Database.OpenConnectionAsync();
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var cmd = new NpgsqlCommand("SELECT campaign_id, count(*) FROM sms_messages WHERE tenant_id = @t GROUP BY campaign_id", conn);
            cmd.Parameters.AddWithValue("t", tenantId);
            long rows = 0;
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) rows += r.GetInt64(1);
            return rows;
        }));
        var api = await MeasureAsync(iterations, () => InTenantAsync(provider, tenantId, async sp =>
            (long)(await sp.GetRequiredService<AnalyticsReports>().CompareAsync(from, to)).Count));
        // What AnalyticsController.Index reads; its live part (open campaigns, automations) is reused for a minute.
        Func<Task<long>> Page(bool recompute) => () => InTenantAsync(provider, tenantId, async sp =>
        {
            if (recompute) ((MemoryCache)sp.GetRequiredService<IMemoryCache>()).Compact(1.0);
            var reports = sp.GetRequiredService<AnalyticsReports>();
            var page = await reports.PageAsync(from, to, cacheLive: true);
            var (rows, weeks) = (page.Rows, page.Weeks);
            var sources = await reports.SourcesAsync(from, to, withDetail: true);
            var numbers = await sp.GetRequiredService<TrackingNumbers>().ListAsync(from, to);
            await sp.GetRequiredService<AnalyticsSettingsStore>().GetAsync();
            return (long)(rows.Count + weeks.Count + sources.Count + numbers.Count);
        });
        var pageLive = await MeasureAsync(iterations, Page(recompute: true));
        var page = await MeasureAsync(iterations, Page(recompute: false));
        var closed = await MeasureAsync(iterations, () => InTenantAsync(provider, tenantId, async sp =>
            (await sp.GetRequiredService<AnalyticsReports>().CampaignAsync(closedId))!.Value.Stats.Sent));
        var open = await MeasureAsync(iterations, () => InTenantAsync(provider, tenantId, async sp =>
            (await sp.GetRequiredService<AnalyticsReports>().CampaignAsync(openId))!.Value.Stats.Sent));

        Console.WriteLine($"   {"query",-72} {"rows",10} {"p50 ms",8} {"p95 ms",8} {"p95/baseline",12}");
        void Print(string label, Measured m) =>
            Console.WriteLine($"   {label,-72} {m.Result,10:N0} {m.P50,8:N0} {m.P95,8:N0} {m.P95 / baseline.P95,11:0.00}×");
        Print("baseline: SELECT campaign_id, count(*) FROM sms_messages GROUP BY 1", baseline);
        Print("GET /api/v1/analytics/campaigns (CompareAsync, 90 days)", api);
        Print("/analytics page, live part measured (cache emptied before each run)", pageLive);
        Print("/analytics page, live part from the last minute (as a reload sees it)", page);
        Print("drill-down of a closed campaign (sent)", closed);
        Print("drill-down of an open campaign (sent)", open);
        var worst = new[] { api.P95, pageLive.P95, page.P95, closed.P95, open.P95 }.Max();
        Console.WriteLine($"   worst p95: {worst:N0} ms (target < 500 ms); {iterations} runs each after 2 warm-ups; load average after: {LoadAverage()}");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static async Task<T> InTenantAsync<T>(ServiceProvider provider, Guid tenantId, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = provider.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        return await work(scope.ServiceProvider);
    }

    private static async Task<(double Seconds, int Changed)> RunJobAsync(ServiceProvider provider, Guid tenantId)
    {
        await using var scope = provider.CreateAsyncScope();
        var (_, changed) = await scope.ServiceProvider.GetRequiredService<TenantJobRunner>().RunNowAsync(ClosedFiguresJob.JobId, CancellationToken.None);
        return (0, changed);
    }

    private sealed record Measured(long Result, double P50, double P95);

    private static async Task<Measured> MeasureAsync(int iterations, Func<Task<long>> run)
    {
        long result = 0;
        for (var i = 0; i < 2; i++) result = await run();
        var times = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var sw = Stopwatch.StartNew();
            result = await run();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        double At(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        return new Measured(result, At(0.5), At(0.95));
    }

    /// <summary>The tenant, one segment and 200 completed campaigns, campaign k started 2k days ago (k = 0 is the newest).</summary>
    private static async Task<(Guid Id, DateTimeOffset StartedAt)[]> CreateCampaignsAsync(ServiceProvider provider, Guid tenantId)
    {
        var now = DateTimeOffset.UtcNow;
        return await InTenantAsync(provider, tenantId, async sp =>
        {
            var db = sp.GetRequiredService<PhoneCrmDbContext>();
            db.Tenants.Add(new Tenant { Id = tenantId, Name = "Bench", CreatedAt = now.AddYears(-3), TimeZone = "Europe/Moscow" });
            var segment = new Segment { TenantId = tenantId, Name = "Everyone", Rule = """{"all":[]}""", CreatedAt = now, UpdatedAt = now };
            db.Segments.Add(segment);
            var campaigns = Enumerable.Range(0, Campaigns).Select(k =>
            {
                var started = now.AddDays(-2 * k).AddHours(-3);
                return new Campaign
                {
                    TenantId = tenantId, Name = $"Campaign {Campaigns - k:D3}", SegmentId = segment.Id, Purpose = "marketing",
                    Text = "Распродажа: https://shop.example/sale СТОП", Status = CampaignStatus.Completed, CreatedAt = started.AddHours(-1),
                    UpdatedAt = started.AddHours(2), StartedAt = started, CompletedAt = started.AddHours(2),
                };
            }).ToList();
            db.Campaigns.AddRange(campaigns);
            await db.SaveChangesAsync();
            return campaigns.Select(c => (c.Id, c.StartedAt!.Value)).ToArray();
        });
    }

    private sealed record Loaded(long Messages, long Clicks, long Complaints);

    /// <summary>The campaigns' messages, recipients, clicked links and complaints, COPYed as the superuser (RLS refuses COPY FROM).</summary>
    private async Task<Loaded> LoadMessagesAsync(string connectionString, Guid tenantId, Guid[] ids, (Guid Id, DateTimeOffset StartedAt)[] campaigns)
    {
        var superuser = new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false, CommandTimeout = 0 };
        await using var conn = new NpgsqlConnection(superuser.ConnectionString);
        await conn.OpenAsync();
        var r = new Random(15);
        var perCampaign = Math.Min(ids.Length, messages / campaigns.Length);
        // A stride coprime with the contact count walks distinct contacts from a random start: one message per recipient.
        var stride = 7919;
        while (ids.Length % stride == 0) stride += 2;
        long sent = 0, clicks = 0, complaints = 0;
        var cipher = new byte[60];
        r.NextBytes(cipher);
        var clicked = new List<(Guid Campaign, Guid Contact, DateTimeOffset At)>();
        var complained = new List<(Guid Contact, DateTimeOffset At)>();
        await using (var w = await conn.BeginBinaryImportAsync(BenchMessages.Copy))
        {
            foreach (var (campaign, started) in campaigns)
            {
                var offset = r.Next(ids.Length);
                for (var j = 0; j < perCampaign; j++)
                {
                    var contact = ids[(int)((offset + ((long)j * stride)) % ids.Length)];
                    var at = started.AddSeconds(r.Next(6 * 3600));
                    var x = r.Next(1000);
                    var status = x < 20 ? SmsStatus.Undelivered : x < 40 ? SmsStatus.Read : SmsStatus.Delivered;
                    await BenchMessages.WriteAsync(w, tenantId, contact, contact.ToByteArray(), cipher, 1, 3.95m, $"campaign:{campaign}:{contact}",
                        $"sim-{campaign:N}-{j}", status, at, campaign);
                    sent++;
                    if (x >= 20 && r.Next(100) < 3) clicked.Add((campaign, contact, at.AddMinutes(5 + r.Next(600))));
                    if (r.Next(2000) == 0) complained.Add((contact, at.AddHours(1 + r.Next(48))));
                }
            }

            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY short_links (owner_tenant_id, code, url, contact_id, campaign_id, clicks, created_at, first_clicked_at, last_clicked_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (campaign, contact, at) in clicked)
            {
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync($"a{clicks:x9}", NpgsqlDbType.Varchar);
                await w.WriteAsync("https://shop.example/sale", NpgsqlDbType.Text);
                await w.WriteAsync(contact, NpgsqlDbType.Uuid);
                await w.WriteAsync(campaign, NpgsqlDbType.Uuid);
                await w.WriteAsync(1 + r.Next(3), NpgsqlDbType.Integer);
                await w.WriteAsync(at.AddMinutes(-10), NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                clicks++;
            }

            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY sms_inbound (tenant_id, id, contact_id, from_cipher, \"to\", text_cipher, kind, received_at, created_at, complaint_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (contact, at) in complained)
            {
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(Guid.CreateVersion7(at), NpgsqlDbType.Uuid);
                await w.WriteAsync(contact, NpgsqlDbType.Uuid);
                await w.WriteAsync(cipher, NpgsqlDbType.Bytea);
                await w.WriteAsync("900", NpgsqlDbType.Varchar);
                await w.WriteAsync(cipher, NpgsqlDbType.Bytea);
                await w.WriteAsync(InboundKinds.Reply, NpgsqlDbType.Varchar);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at.AddHours(2), NpgsqlDbType.TimestampTz);
                complaints++;
            }

            await w.CompleteAsync();
        }

        // One recipient row per message, as the dispatch leaves them (set-based; the drill-down counts them by outcome).
        await using (var cmd = new NpgsqlCommand($"""
            INSERT INTO campaign_recipients (tenant_id, campaign_id, contact_id, outcome, message_id, batch, updated_at)
            SELECT tenant_id, campaign_id, contact_id, 'sent', id, 0, sent_at FROM sms_messages WHERE tenant_id = '{tenantId}' AND campaign_id IS NOT NULL
            """, conn) { CommandTimeout = 0 })
            await cmd.ExecuteNonQueryAsync();
        await using (var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) sms_messages, campaign_recipients, short_links, sms_inbound", conn) { CommandTimeout = 0 })
            await vacuum.ExecuteNonQueryAsync();
        return new Loaded(sent, clicks, complaints);
    }
}
