using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Hosting;
using PhoneCrm.IntegrationTests.Contacts;
using PhoneCrm.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Operations;

/// <summary>The operators' Prometheus endpoint (issue 18 item 3): who reads it, and that the domain counters move.</summary>
[Collection(AppCollection.Name)]
public sealed partial class MetricsTests(AppFixture app, ITestOutputHelper output)
{
    [Fact]
    public async Task Only_a_platform_operator_reads_metrics_on_the_apps_port_and_sees_domain_counters_move()
    {
        var tenant = await app.CreateTenantAsync();
        using (var anonymous = app.Client())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/metrics")).StatusCode);
        }

        using (var key = tenant.Api())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await key.GetAsync("/metrics")).StatusCode);
        }

        using (var admin = await tenant.SignInAsync(Role.Admin))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/metrics")).StatusCode);
        }

        using var ops = app.Session();
        await ops.SignInAsync(await app.CreatePlatformOperatorAsync());
        var before = await ScrapeAsync(ops.Client);

        // A test send: two messages queued and sent through the simulator, one refused by the policy.
        using var api = tenant.Api();
        await GrantAsync(api, Phone(1));
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api));
        var response = await api.PostAsync($"/api/v1/campaigns/{campaignId}/test", Json(new { phones = new[] { "+79260000001", "+79260000002", "+74951234567" } }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // An import of three rows, one of them rejected.
        var import = await ImportsApiTests.ImportAndWaitAsync(api, Encoding.UTF8.GetBytes("phone\n89161110001\n89161110002\nnot a phone\n"), "three.csv");
        Assert.Equal("completed", import.GetProperty("status").GetString());

        string after = "";
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            after = await ScrapeAsync(ops.Client);
            if (Sum(after, "phonecrm_sms_sent_total", ("provider", "Simulator")) >= Sum(before, "phonecrm_sms_sent_total", ("provider", "Simulator")) + 2) break;
            await Task.Delay(250);
        }

        output.WriteLine(string.Join('\n', Sample().Matches(after).Select(m => m.Groups["name"].Value).Distinct()));
        Assert.True(Moved("phonecrm_sms_queued_total", 2, ("kind", "test")), "queued");
        Assert.True(Moved("phonecrm_sms_sent_total", 2, ("provider", "Simulator")), "sent");
        Assert.True(Moved("phonecrm_send_policy_skips_total", 1, ("kind", "test"), ("reason", "invalidPhone")), "skipped");
        Assert.True(Moved("phonecrm_import_rows_total", 3, ("kind", "contacts")), "import rows");
        Assert.True(Moved("phonecrm_import_rows_rejected_total", 1, ("kind", "contacts")), "rejected rows");
        Assert.True(Moved("phonecrm_imports_completed_total", 1, ("kind", "contacts")), "imports completed");
        Assert.True(Moved("phonecrm_job_duration_seconds_count", 1, ("job", "ImportJobs.RunAsync"), ("outcome", "succeeded")), "job duration");
        // The platform's own instrumentation is there too: the database pool, the runtime. (ASP.NET Core's request metrics
        // too, but not reliably in a test process: its meters are per host, and a second host of the same meters
        // disposed in this process ends their export here — one host per process in production.)
        Assert.Contains("db_client_", after, StringComparison.Ordinal);
        Assert.Contains("dotnet_", after, StringComparison.Ordinal);
        // No tenant and no person in any label.
        Assert.DoesNotContain(tenant.Id.ToString(), after, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("79260000001", after, StringComparison.Ordinal);

        bool Moved(string name, double by, params (string Key, string Value)[] labels) =>
            Sum(after, name, labels) >= Sum(before, name, labels) + by;
    }

    [Fact]
    public async Task The_metrics_port_serves_metrics_alone_and_is_told_by_the_connection_not_the_host_header()
    {
        using var client = app.Client();

        var onPort = await SendAsync(client, "/metrics", localPort: 9464);
        Assert.Equal(HttpStatusCode.OK, onPort.StatusCode);
        Assert.Contains("phonecrm_", await onPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(client, "/", localPort: 9464)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(client, "/api/v1/contacts", localPort: 9464)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(client, "/account/login", localPort: 9464)).StatusCode);

        // The app's port with a Host header naming the metrics port is still the app's port.
        var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        spoofed.Headers.Host = "localhost:9464";
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(spoofed)).StatusCode);
    }

    [Fact]
    public async Task The_grafana_dashboard_reads_only_metrics_the_app_exports()
    {
        using var client = app.Client();
        await client.GetAsync("/health/live");
        var scrape = await (await SendAsync(client, "/metrics", localPort: 9464)).Content.ReadAsStringAsync();
        var exported = Sample().Matches(scrape).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        var instruments = PrometheusNamesOfInstruments();
        var declared = instruments.Where(i => i.Meter == PhoneCrmMetrics.MeterName).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("phonecrm_sms_failed_total", declared);
        exported.UnionWith(instruments.Select(i => i.Name));

        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DeploymentDefaultsTests.RepositoryRoot(), "deploy", "grafana", "phonecrm.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.TryGetProperty("targets", out _)).ToList();
        Assert.True(panels.Count >= 10, $"{panels.Count} panels");
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()))
        {
            var expr = target.GetProperty("expr").GetString()!;
            foreach (Match m in MetricInExpression().Matches(Selectors().Replace(expr, " "))) used.Add(m.Value);
        }

        Assert.DoesNotContain(used, n => n.StartsWith("phonecrm_", StringComparison.Ordinal) && !declared.Contains(n));
        // The platform's metrics as this app exports them, or as its instruments are named; HttpClient's instruments exist
        // only once a real provider has been called (the simulator makes no HTTP call).
        var unknown = used.Where(n => !exported.Contains(n) && !n.StartsWith("http_client_request_duration_seconds_", StringComparison.Ordinal)).ToList();
        Assert.True(unknown.Count == 0, $"not exported: {string.Join(", ", unknown)}");
        // Every domain metric is on the dashboard.
        Assert.DoesNotContain(declared, n => !n.EndsWith("_sum", StringComparison.Ordinal) && !n.EndsWith("_count", StringComparison.Ordinal)
            && !used.Contains(n));
    }

    /// <summary>
    /// The Prometheus names of every instrument published in this process, as the exporter forms them: dots to
    /// underscores, the unit's suffix (s → _seconds, By → _bytes), counters _total, histograms _bucket/_sum/_count.
    /// </summary>
    private static List<(string Meter, string Name)> PrometheusNamesOfInstruments()
    {
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(PhoneCrmMetrics).TypeHandle);
        var names = new List<(string, string)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            var unit = instrument.Unit switch { "s" => "_seconds", "By" => "_bytes", _ => "" };
            var name = instrument.Name.Replace('.', '_');
            if (!name.EndsWith(unit, StringComparison.Ordinal)) name += unit;
            var kind = instrument.GetType().Name;
            string[] suffixes = kind.StartsWith("Histogram", StringComparison.Ordinal) ? ["_bucket", "_sum", "_count"]
                : kind.StartsWith("Counter", StringComparison.Ordinal) || kind.StartsWith("ObservableCounter", StringComparison.Ordinal) ? ["_total"]
                : [""];
            lock (names) names.AddRange(suffixes.Select(s => (instrument.Meter.Name, name + s)));
        };
        listener.Start();
        return names;
    }

    /// <summary>What is not a metric name in a PromQL expression: label lists, selectors, ranges.</summary>
    [GeneratedRegex(@"(by|without) \([^)]*\)|\{[^}]*\}|\[[^\]]*\]")]
    private static partial Regex Selectors();

    /// <summary>An identifier not followed by "(" (a function).</summary>
    [GeneratedRegex(@"\b[a-z][a-z0-9_]*\b(?!\s*\()")]
    private static partial Regex MetricInExpression();

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, int localPort)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(TestClientIpFilter.LocalPortHeader, localPort.ToString(CultureInfo.InvariantCulture));
        return client.SendAsync(request);
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of a metric's samples whose labels include every given pair (0 when there is none yet).</summary>
    private static double Sum(string scrape, string name, params (string Key, string Value)[] labels)
    {
        var total = 0.0;
        foreach (Match m in Sample().Matches(scrape))
        {
            if (m.Groups["name"].Value != name) continue;
            var found = m.Groups["labels"].Value;
            if (labels.All(l => found.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal)))
                total += double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return total;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[^ \n]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
