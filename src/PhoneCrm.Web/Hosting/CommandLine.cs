using System.Text.Json;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Platform;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Web.Hosting;

/// <summary>
/// The CLI verbs of the web project: <c>tenant create --name N --admin-email E</c>, <c>operator create --email E</c>
/// (api-v1 "Platform operators"), <c>migrate</c>, <c>backup --out FILE</c>, <c>restore --in FILE</c>, <c>jobs list</c>,
/// <c>jobs run &lt;id&gt;</c> (api-v1 "Hygiene jobs") and the <c>--seed-demo</c> flag. Anything else is passed to the web host untouched.
/// </summary>
public sealed class CommandLine
{
    private string? _verb;
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    public string[] HostArgs { get; private set; } = [];
    public bool SeedDemo { get; private set; }
    public string? Error { get; private set; }
    public bool IsCommand => _verb is not null;

    public static CommandLine Parse(string[] args)
    {
        var cmd = new CommandLine();
        var rest = new List<string>();
        var i = 0;
        if (args.Length >= 2 && args[0] == "tenant" && args[1] == "create") { cmd._verb = "tenant create"; i = 2; }
        else if (args.Length >= 2 && args[0] == "operator" && args[1] == "create") { cmd._verb = "operator create"; i = 2; }
        else if (args.Length >= 1 && args[0] == "migrate") { cmd._verb = "migrate"; i = 1; }
        else if (args.Length >= 3 && args[0] == "backup" && args[1] == "--out") { cmd._verb = "backup"; cmd._options["file"] = args[2]; i = 3; }
        else if (args.Length >= 3 && args[0] == "restore" && args[1] == "--in") { cmd._verb = "restore"; cmd._options["file"] = args[2]; i = 3; }
        else if (args.Length >= 2 && args[0] == "jobs" && args[1] == "list") { cmd._verb = "jobs list"; i = 2; }
        else if (args.Length >= 3 && args[0] == "jobs" && args[1] == "run")
        {
            cmd._verb = "jobs run";
            cmd._options["id"] = args[2];
            i = 3;
        }
        else if (args.Length >= 1 && args[0] is "tenant" or "jobs" or "operator" or "backup" or "restore" or "help" or "--help")
        {
            cmd.Error = Usage;
            return cmd;
        }

        for (; i < args.Length; i++)
        {
            if (args[i] == "--seed-demo") { cmd.SeedDemo = true; continue; }
            if (cmd._verb == "tenant create" && args[i] is "--name" or "--admin-email" && i + 1 < args.Length)
            {
                cmd._options[args[i]] = args[++i];
                continue;
            }

            if (cmd._verb == "operator create" && args[i] == "--email" && i + 1 < args.Length)
            {
                cmd._options[args[i]] = args[++i];
                continue;
            }

            rest.Add(args[i]);
        }

        if (cmd._verb == "tenant create" && (!cmd._options.ContainsKey("--name") || !cmd._options.ContainsKey("--admin-email")))
            cmd.Error = "tenant create needs --name \"Acme\" and --admin-email admin@acme.test\n" + Usage;
        if (cmd._verb == "operator create" && !cmd._options.ContainsKey("--email"))
            cmd.Error = "operator create needs --email ops@example.test\n" + Usage;
        cmd.HostArgs = [.. rest];
        return cmd;
    }

    private const string Usage = """
        Usage:
          dotnet run --project src/PhoneCrm.Web                     run the product (embedded PostgreSQL and demo data unless ConnectionStrings__PhoneCrm is set)
          dotnet run --project src/PhoneCrm.Web -- migrate          apply database migrations and exit
          dotnet run --project src/PhoneCrm.Web -- backup --out FILE    a pg_dump of the database sealed with the PII key file: {"file","bytes"}
          dotnet run --project src/PhoneCrm.Web -- restore --in FILE    into an empty database (same key file), then migrate
          dotnet run --project src/PhoneCrm.Web -- tenant create --name "Acme" --admin-email admin@acme.test
          dotnet run --project src/PhoneCrm.Web -- operator create --email ops@example.test   a platform operator: {"email","password"}
          dotnet run --project src/PhoneCrm.Web -- jobs list        the recurring jobs as JSON: [{"id","cron","description"}]
          dotnet run --project src/PhoneCrm.Web -- jobs run <id>    run one now for every tenant: {"id","tenants":N,"changed":N}
          dotnet run --project src/PhoneCrm.Web -- --seed-demo      also create the demo tenant when using an external database (Development only)
        """;

    public async Task<int> RunAsync(WebApplication app)
    {
        try
        {
            // A restore needs the database empty: it migrates afterwards (grants, and any migration newer than the backup).
            if (_verb == "restore")
            {
                await app.Services.GetRequiredService<DatabaseBackup>().RestoreAsync(_options["file"], CancellationToken.None);
                await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
                await Console.Error.WriteLineAsync($"Restored {_options["file"]} and migrated.");
                return 0;
            }

            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            if (_verb == "migrate")
            {
                await Console.Error.WriteLineAsync("Database is migrated.");
                return 0;
            }

            if (_verb == "backup")
            {
                var file = Path.GetFullPath(_options["file"]);
                var bytes = await app.Services.GetRequiredService<DatabaseBackup>().BackupAsync(file, CancellationToken.None);
                Console.Out.WriteLine(JsonSerializer.Serialize(new { file, bytes }));
                return 0;
            }

            await using var scope = app.Services.CreateAsyncScope();
            if (_verb == "jobs list") return ListJobs(scope.ServiceProvider);
            if (_verb == "jobs run") return await RunJobAsync(scope.ServiceProvider, _options["id"]);
            if (_verb == "operator create")
            {
                var created = await scope.ServiceProvider.GetRequiredService<PlatformOperators>().CreateAsync(_options["--email"]);
                Console.Out.WriteLine(JsonSerializer.Serialize(new { email = created.Email, password = created.Password }));
                return 0;
            }

            var result = await scope.ServiceProvider.GetRequiredService<TenantProvisioner>()
                .CreateAsync(_options["--name"], _options["--admin-email"]);
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                tenantId = result.TenantId,
                adminEmail = result.AdminEmail,
                adminPassword = result.AdminPassword,
                apiKey = result.ApiKey,
            }));
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or BackupException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        finally
        {
            await app.Services.GetRequiredService<DatabaseSetup.EmbeddedHandle>().StopAsync();
        }
    }

    private static int ListJobs(IServiceProvider services)
    {
        var config = services.GetRequiredService<IConfiguration>();
        var jobs = services.GetRequiredService<TenantJobRunner>().Definitions
            .Select(d => new { id = d.Id, cron = d.Cron(config), description = d.Description });
        Console.Out.WriteLine(JsonSerializer.Serialize(jobs));
        return 0;
    }

    private static async Task<int> RunJobAsync(IServiceProvider services, string id)
    {
        var runner = services.GetRequiredService<TenantJobRunner>();
        if (runner.Find(id) is not { TenantJob: not null })
        {
            var known = string.Join(", ", runner.Definitions.Where(d => d.TenantJob is not null).Select(d => d.Id));
            await Console.Error.WriteLineAsync($"Unknown job '{id}'. Jobs: {known}");
            return 2;
        }

        var (tenants, changed) = await runner.RunNowAsync(id, CancellationToken.None);
        Console.Out.WriteLine(JsonSerializer.Serialize(new { id, tenants, changed }));
        return 0;
    }
}
