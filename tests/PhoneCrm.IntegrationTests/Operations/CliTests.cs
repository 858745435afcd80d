using System.Net;
using System.Text.Json;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Operations;

/// <summary>The CLI verbs of api-v1.md, run as the real process against the test database.</summary>
[Collection(AppCollection.Name)]
public sealed class CliTests(AppFixture app)
{
    [Fact]
    public async Task Tenant_create_prints_one_json_object_whose_key_works()
    {
        var email = $"cli-{Guid.NewGuid():N}@acme.test";
        var (code, stdout, stderr) = await RunAsync("tenant", "create", "--name", "Acme", "--admin-email", email);

        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout.Trim()).RootElement;
        Assert.Equal(["tenantId", "adminEmail", "adminPassword", "apiKey"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(email, json.GetProperty("adminEmail").GetString());
        Assert.True(json.GetProperty("adminPassword").GetString()!.Length >= 12);

        var key = json.GetProperty("apiKey").GetString()!;
        var me = await app.Client(key).GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains(json.GetProperty("tenantId").GetString()!, await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Migrate_succeeds_and_bad_arguments_exit_2_with_a_message()
    {
        var migrate = await RunAsync("migrate");
        Assert.True(migrate.Code == 0, migrate.Stderr);
        Assert.Equal("", migrate.Stdout.Trim());

        var missing = await RunAsync("tenant", "create", "--name", "Acme");
        Assert.Equal(2, missing.Code);
        Assert.Contains("--admin-email", missing.Stderr, StringComparison.Ordinal);
    }

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => WebProcess.RunAsync(app.Factory, args);
}
