using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using PhoneCrm.Domain.Access;
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
        // The platform's own instrumentation is there too: requests by route, the database pool, the runtime.
        Assert.Contains("http_server_request_duration_seconds_bucket", after, StringComparison.Ordinal);
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
