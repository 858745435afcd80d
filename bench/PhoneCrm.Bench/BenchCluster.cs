using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Bench;

/// <summary>
/// A private PostgreSQL cluster for one benchmark run, started from the local server binaries (as root the server runs
/// as <c>postgres</c>) in a temp folder and migrated; disposing stops it and deletes the folder, also after a failure.
/// A kept folder (<see cref="StartAsync"/> with <c>keepIn</c>) is reused by the next run and never deleted.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private readonly EmbeddedPostgres _postgres;
    private readonly bool _kept;

    private BenchCluster(string root, EmbeddedPostgres postgres, bool kept)
    {
        Root = root;
        _postgres = postgres;
        _kept = kept;
        ConnectionString = postgres.ConnectionString("phonecrm_bench");
    }

    /// <summary>The folder of the cluster; a benchmark may keep its own files here.</summary>
    public string Root { get; }

    /// <summary>The app's login (not a superuser: row-level security applies).</summary>
    public string ConnectionString { get; }

    public static async Task<BenchCluster> StartAsync(string? keepIn = null)
    {
        var root = keepIn ?? Path.Combine(Path.GetTempPath(), $"phonecrm-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        EmbeddedPostgres? postgres = null;
        try
        {
            postgres = await EmbeddedPostgres.StartAsync(Path.Combine(root, "pgdata"), 0, "phonecrm_bench");
            await new DatabaseMigrator(postgres.ConnectionString("phonecrm_bench"), NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
            return new BenchCluster(root, postgres, keepIn is not null);
        }
        catch
        {
            if (postgres is not null) await postgres.StopAsync();
            if (keepIn is null) Delete(root);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _postgres.StopAsync();
        if (!_kept) Delete(Root);
    }

    private static void Delete(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"   could not delete {root}: {e.Message}");
        }
    }
}
