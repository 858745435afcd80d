using System.Diagnostics;
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

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(WebDll());
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["ConnectionStrings__PhoneCrm"] = app.Factory.ConnectionString;
        psi.Environment["Jobs__Server"] = "false";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>The web project's own build output, next to this test's (same configuration).</summary>
    private static string WebDll()
    {
        var dir = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = dir.Parent!.Name; // …/bin/{Configuration}/net10.0
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PhoneCrm.sln"))) dir = dir.Parent;
        var dll = Path.Combine(dir!.FullName, "src", "PhoneCrm.Web", "bin", configuration, "net10.0", "PhoneCrm.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the web project first", dll);
    }
}
