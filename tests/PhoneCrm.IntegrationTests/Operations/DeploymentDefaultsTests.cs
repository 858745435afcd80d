using System.Text.RegularExpressions;
using Npgsql;
using PhoneCrm.IntegrationTests.Infrastructure;
using PhoneCrm.Web.Hosting;
using YamlDotNet.RepresentationModel;

namespace PhoneCrm.IntegrationTests.Operations;

/// <summary>Demo and deployment defaults (issue 12 item 8).</summary>
[Collection(AppCollection.Name)]
public sealed partial class DeploymentDefaultsTests(AppFixture app)
{
    [Fact]
    public void Docker_compose_runs_production_as_a_non_superuser_with_no_published_database_and_secrets_from_an_env_file()
    {
        var root = RepositoryRoot();
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(root, "docker-compose.yml"))));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        Assert.Equal(["db", "app", "app2", "worker", "proxy", "prometheus", "grafana"], services.Children.Keys.Select(k => k.ToString()));

        var db = (YamlMappingNode)services["db"];
        Assert.False(db.Children.ContainsKey("ports"), "PostgreSQL must not be published to the host");
        Assert.Contains(((YamlSequenceNode)db["volumes"]).Children, v => v.ToString().EndsWith(":/docker-entrypoint-initdb.d:ro", StringComparison.Ordinal));
        var superuser = ((YamlMappingNode)db["environment"])["POSTGRES_USER"].ToString();

        foreach (var name in new[] { "db", "app", "app2", "worker" })
        {
            var service = (YamlMappingNode)services[name];
            Assert.Equal([".env"], ((YamlSequenceNode)service["env_file"]).Children.Select(c => c.ToString()));
            var environment = (YamlMappingNode)service["environment"];
            // Secrets come from the env file only: no password or connection string written into the compose file.
            Assert.DoesNotContain(environment.Children.Keys, k => k.ToString().Contains("PASSWORD", StringComparison.OrdinalIgnoreCase)
                || k.ToString().StartsWith("ConnectionStrings", StringComparison.Ordinal));
            if (name == "db") continue;
            Assert.Equal("Production", environment["ASPNETCORE_ENVIRONMENT"].ToString());
            Assert.False(service.Children.ContainsKey("command"), $"{name}: no --seed-demo or other command: Production starts without demo users");
        }

        // The app's login is the one the init script creates without superuser rights, not the container's superuser.
        var example = File.ReadAllText(Path.Combine(root, "deploy", "phonecrm.env.example"));
        var login = new NpgsqlConnectionStringBuilder(ConnectionStringLine().Match(example).Groups[1].Value).Username;
        Assert.NotEqual(superuser, login);
        var init = File.ReadAllText(Path.Combine(root, "deploy", "postgres-init", "01-phonecrm-login.sh"));
        Assert.Contains($"CREATE ROLE {login} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS", init, StringComparison.Ordinal);
        Assert.Contains($"CREATE DATABASE phonecrm OWNER {login};", init, StringComparison.Ordinal);
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(root, ".gitignore")));
    }

    /// <summary>Issue 18 item 6: two web nodes behind a reverse proxy and a worker, sharing what a sign-in needs.</summary>
    [Fact]
    public void Docker_compose_runs_two_web_nodes_behind_a_proxy_and_a_worker_sharing_the_database_and_key_file()
    {
        var root = RepositoryRoot();
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(root, "docker-compose.yml"))));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        string[] web = ["app", "app2"];
        string[] nodes = [.. web, "worker"];
        var environment = nodes.ToDictionary(n => n, n => ((YamlMappingNode)((YamlMappingNode)services[n])["environment"]).Children
            .ToDictionary(c => c.Key.ToString(), c => c.Value.ToString()));

        // One image, one database (the same env file: data-protection keys live there), one PII key file on one volume.
        Assert.All(nodes, n => Assert.Equal(".", ((YamlMappingNode)services[n])["build"].ToString()));
        Assert.Single(nodes.Select(n => environment[n]["Protection__KeyFile"]).Distinct());
        var keyDirectory = Path.GetDirectoryName(environment["app"]["Protection__KeyFile"])!;
        Assert.All(nodes, n => Assert.Contains(((YamlSequenceNode)((YamlMappingNode)services[n])["volumes"]).Children,
            v => v.ToString() == $"keys:{keyDirectory}"));

        // Web nodes serve and run no jobs; the worker runs them; only the first web node migrates; none is published.
        Assert.All(web, n => Assert.Equal("false", environment[n]["Jobs__Server"]));
        Assert.Equal("true", environment["worker"]["Jobs__Server"]);
        Assert.Equal(["app2", "worker"], nodes.Where(n => environment[n].GetValueOrDefault("Database__MigrateOnStartup") == "false"));
        Assert.All(nodes, n => Assert.False(((YamlMappingNode)services[n]).Children.ContainsKey("ports"), $"{n} is reached through the proxy only"));

        // Each node listens on its metrics port, which nothing publishes or proxies, and Prometheus scrapes there.
        var prometheus = File.ReadAllText(Path.Combine(root, "deploy", "prometheus.yml"));
        foreach (var n in nodes)
        {
            var port = environment[n]["Metrics__Port"];
            Assert.Contains($"http://+:{port}", environment[n]["ASPNETCORE_URLS"], StringComparison.Ordinal);
            Assert.Contains($"\"{n}:{port}\"", prometheus, StringComparison.Ordinal);
        }

        // The proxy: Caddy with the repository's Caddyfile, the only public port, the web nodes' one trusted proxy.
        var proxy = (YamlMappingNode)services["proxy"];
        Assert.StartsWith("caddy:", proxy["image"].ToString(), StringComparison.Ordinal);
        Assert.Contains(((YamlSequenceNode)proxy["volumes"]).Children, v => v.ToString() == "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro");
        Assert.Equal(["8080:8080"], ((YamlSequenceNode)proxy["ports"]).Children.Select(c => c.ToString()));
        var proxyAddress = ((YamlMappingNode)((YamlMappingNode)proxy["networks"])["default"])["ipv4_address"].ToString();
        Assert.All(web, n => Assert.Equal(proxyAddress, environment[n]["ForwardedHeaders__KnownProxies__0"]));
        var caddyfile = File.ReadAllText(Path.Combine(root, "deploy", "Caddyfile"));
        Assert.Contains($"reverse_proxy {string.Join(" ", web.Select(n => n + ":8080"))} {{", caddyfile, StringComparison.Ordinal);
        Assert.Contains("health_uri /health/ready", caddyfile, StringComparison.Ordinal);
        Assert.DoesNotContain(environment["app"]["Metrics__Port"], caddyfile, StringComparison.Ordinal);

        // Monitoring is opt-in, and Grafana is published on the loopback only.
        var grafana = (YamlMappingNode)services["grafana"];
        Assert.Equal(["monitoring"], ((YamlSequenceNode)grafana["profiles"]).Children.Select(c => c.ToString()));
        Assert.All(((YamlSequenceNode)grafana["ports"]).Children, p => Assert.StartsWith("127.0.0.1:", p.ToString(), StringComparison.Ordinal));
        Assert.Contains(((YamlSequenceNode)grafana["volumes"]).Children, v => v.ToString().StartsWith("./deploy/grafana/phonecrm.json:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cookies_are_secure_outside_development_and_no_page_may_be_framed()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await tenant.AddUserAsync(PhoneCrm.Domain.Access.Role.Marketer);
        using var session = app.Session();
        var login = await session.PostFormAsync("/account/login", new() { ["Email"] = user.Email, ["Password"] = user.Password });
        var cookies = login.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith("phonecrm.auth=", StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));

        using var ops = app.Session();
        await ops.SignInAsync(await app.CreatePlatformOperatorAsync());
        foreach (var page in new[] { "/jobs", "/api/docs", "/account/login", "/platform/tenants" })
        {
            var response = await ops.GetAsync(page);
            Assert.True((int)response.StatusCode < 400, $"{page}: {(int)response.StatusCode}");
            Assert.Contains("frame-ancestors 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/p/AbCdEf.signature", "/p/***")]
    [InlineData("/p/AbCdEf/confirm", "/p/***")]
    [InlineData("/r/x7Yz9", "/r/***")]
    [InlineData("/R/x7Yz9", "/r/***")]
    [InlineData("/contacts/5b0c", "/contacts/5b0c")]
    [InlineData("/privacy", "/privacy")]
    public void Request_logs_carry_no_preference_token_or_short_link_code(string path, string logged) =>
        Assert.Equal(logged, Logging.RedactedPath(path));

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PhoneCrm.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("PhoneCrm.sln");
    }

    [GeneratedRegex(@"^ConnectionStrings__PhoneCrm=(.+)$", RegexOptions.Multiline)]
    private static partial Regex ConnectionStringLine();
}
