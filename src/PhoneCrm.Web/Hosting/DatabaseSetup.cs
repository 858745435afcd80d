using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Platform;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Web.Hosting;

/// <summary>
/// Decides where the database is: the configured <c>ConnectionStrings:PhoneCrm</c>, or else a private
/// PostgreSQL cluster started from the local binaries (the embedded default), stopped cleanly on exit.
/// </summary>
public static class DatabaseSetup
{
    public const string ConnectionName = "PhoneCrm";

    public sealed class EmbeddedHandle(EmbeddedPostgres? cluster)
    {
        public bool IsEmbedded => cluster is not null;

        public Task StopAsync() => cluster?.StopAsync() ?? Task.CompletedTask;

        public void StopWith(IHostApplicationLifetime lifetime) =>
            lifetime.ApplicationStopped.Register(() =>
            {
                try
                {
                    StopAsync().GetAwaiter().GetResult();
                }
                catch (InvalidOperationException e)
                {
                    // Shutting down anyway: say what happened instead of failing the exit.
                    Console.Error.WriteLine($"[phonecrm] Could not stop the embedded database cleanly: {e.Message}");
                }
            });
    }

    public static async Task<EmbeddedHandle> ResolveAsync(WebApplicationBuilder builder, bool quiet)
    {
        EmbeddedPostgres? cluster = null;
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ConnectionName)))
        {
            var dataDir = builder.Configuration["Database:DataDirectory"] is { Length: > 0 } configured
                ? configured
                : DefaultDataDirectory();
            var port = builder.Configuration.GetValue("Database:Port", 55432);
            try
            {
                cluster = await EmbeddedPostgres.StartAsync(dataDir, port, "phonecrm",
                    quiet ? null : m => Console.Error.WriteLine($"[phonecrm] {m}"));
            }
            catch (InvalidOperationException e)
            {
                await Console.Error.WriteLineAsync($"[phonecrm] Cannot start the embedded database: {e.Message}");
                throw;
            }

            builder.Configuration[$"ConnectionStrings:{ConnectionName}"] = cluster.ConnectionString();
            if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(DatabaseBackup.ConnectionName)))
                builder.Configuration[$"ConnectionStrings:{DatabaseBackup.ConnectionName}"] = cluster.SuperuserConnectionString();
            builder.Configuration["Database:Embedded"] = "true";
        }

        var handle = new EmbeddedHandle(cluster);
        builder.Services.AddSingleton(handle);
        return handle;
    }

    /// <summary>As root the folder must be reachable by the unprivileged server user, so it lives outside /root.</summary>
    private static string DefaultDataDirectory() => Path.Combine(DefaultBaseDirectory(), "pgdata");

    private static string DefaultBaseDirectory() => Environment.UserName == "root"
        ? "/var/lib/phonecrm"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "phonecrm");

    /// <summary>
    /// The PII key file used when <c>Protection</c> configures no keys: next to the embedded data directory
    /// (<c>/var/lib/phonecrm/pii-keys.json</c> as root, <c>~/.local/share/phonecrm/pii-keys.json</c> otherwise).
    /// </summary>
    public static string DefaultKeyFile(IConfiguration config)
    {
        var dataDir = config["Database:DataDirectory"] is { Length: > 0 } configured ? configured : DefaultDataDirectory();
        var parent = Path.GetDirectoryName(Path.GetFullPath(dataDir).TrimEnd(Path.DirectorySeparatorChar)) ?? DefaultBaseDirectory();
        return Path.Combine(parent, "pii-keys.json");
    }

    public static async Task PrepareAsync(WebApplication app, bool seedDemo)
    {
        if (app.Configuration.GetValue("Database:MigrateOnStartup", true))
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();

        DemoSeeder.Credentials? demo = null;
        if (seedDemo)
        {
            await using var scope = app.Services.CreateAsyncScope();
            demo = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().EnsureAsync();
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses) Console.WriteLine($"PhoneCrm is running at {address}");
            if (demo is null && !seedDemo && !app.Environment.IsDevelopment())
                Console.WriteLine("No demo users outside Development (their passwords are published): tenants come from `-- tenant create`.");
            if (demo is not null)
            {
                Console.WriteLine($"Demo tenant \"{demo.TenantName}\": sign in as {demo.MarketerEmail} / {demo.Password} (marketer)");
                Console.WriteLine($"  or as {demo.AdminEmail} / {demo.Password} (admin; asks to enrol an authenticator app)");
            }
        });
    }
}
