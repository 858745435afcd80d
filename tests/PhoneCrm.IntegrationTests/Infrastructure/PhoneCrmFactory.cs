using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace PhoneCrm.IntegrationTests.Infrastructure;

/// <summary>The real app (Program) against the test database. Its connection string comes from the environment,
/// because Program resolves the database before the host is built.</summary>
public class PhoneCrmFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public PhoneCrmFactory(string connectionString, IDictionary<string, string?>? settings = null)
    {
        Environment.SetEnvironmentVariable("ConnectionStrings__PhoneCrm", connectionString);
        ConnectionString = connectionString;
        KeyFile = RunKeyFile;
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Jobs:WorkerCount"] = "2",
            // A throwaway PII key file, never the machine's default one.
            ["Protection:KeyFile"] = KeyFile,
            // The shop every test's campaign links point to (a tenant's Admin setting; issue 12 item 10).
            ["Links:DefaultAllowedDomains"] = "shop.example",
            // The operators' metrics port; a test reaches it by naming the local port (TestClientIpFilter.LocalPortHeader).
            ["Metrics:Port"] = "9464",
        };
    }

    public string ConnectionString { get; }

    public string KeyFile { get; }

    // One key file for every app of a test run, as production nodes share one: the apps share one database and Hangfire
    // queue, so a job another app's server runs must write under keys this app can read.
    private static readonly string RunKeyFile =
        Path.Combine(Path.GetTempPath(), $"phonecrm-tests-keys-{Guid.NewGuid():N}", "pii-keys.json");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureServices(s => s.AddTransient<IStartupFilter, TestClientIpFilter>());
    }
}

/// <summary>
/// The in-memory test server has no client address; a test names one with <see cref="Header"/> (per-IP rate limits,
/// IP evidence), and the port it reached with <see cref="LocalPortHeader"/> (the metrics port). Test-only: the real app
/// never reads these headers.
/// </summary>
public sealed class TestClientIpFilter : IStartupFilter
{
    public const string Header = "X-Test-Client-Ip";
    public const string LocalPortHeader = "X-Test-Local-Port";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value.ToString(), out var ip))
                context.Connection.RemoteIpAddress = ip;
            if (context.Request.Headers.TryGetValue(LocalPortHeader, out var port) && int.TryParse(port.ToString(), out var local))
                context.Connection.LocalPort = local;
            return nextMiddleware(context);
        });
        next(app);
    };
}
