using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

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
        KeyFile = Path.Combine(Path.GetTempPath(), $"phonecrm-tests-keys-{Guid.NewGuid():N}", "pii-keys.json");
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Jobs:WorkerCount"] = "2",
            // A throwaway PII key file per test app, never the machine's default one.
            ["Protection:KeyFile"] = KeyFile,
        };
    }

    public string ConnectionString { get; }

    public string KeyFile { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }
}
