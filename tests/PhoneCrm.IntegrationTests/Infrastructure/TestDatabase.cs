using Npgsql;
using PhoneCrm.Infrastructure.Database;
using Testcontainers.PostgreSql;

namespace PhoneCrm.IntegrationTests.Infrastructure;

/// <summary>
/// One real PostgreSQL for the whole test run, in this order of preference: a connection string from
/// <c>PHONECRM_TEST_DATABASE</c>; a Testcontainers PostgreSQL when a Docker engine answers; otherwise a private
/// throwaway cluster from the local server binaries (as root it runs as the unprivileged postgres user).
/// </summary>
public static class TestDatabase
{
    private static readonly SemaphoreSlim _lock = new(1, 1);
    private static string? _connectionString;
    private static EmbeddedPostgres? _cluster;
    private static PostgreSqlContainer? _container;
    private static string? _tempRoot;

    public static async Task<string> GetConnectionStringAsync()
    {
        if (_connectionString is not null) return _connectionString;
        await _lock.WaitAsync();
        try
        {
            if (_connectionString is not null) return _connectionString;
            _connectionString = await StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAsync().GetAwaiter().GetResult();
            return _connectionString;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The private cluster's superuser, for what must see every tenant's rows (backup and restore); null on another server.</summary>
    public static string? SuperuserConnectionString(string database) => _cluster?.SuperuserConnectionString(database);

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("PHONECRM_TEST_DATABASE") is { Length: > 0 } external) return external;

        if (File.Exists("/var/run/docker.sock") && await DockerAnswersAsync())
        {
            _container = new PostgreSqlBuilder("postgres:15").Build();
            await _container.StartAsync();
            return _container.GetConnectionString();
        }

        await SweepAbandonedClustersAsync();
        _tempRoot = Path.Combine(Path.GetTempPath(), $"phonecrm-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_tempRoot);
        await File.WriteAllTextAsync(Path.Combine(_tempRoot, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _cluster = await EmbeddedPostgres.StartAsync(Path.Combine(_tempRoot, "pgdata"), 0, "phonecrm_tests");
        return _cluster.ConnectionString("phonecrm_tests");
    }

    private const string OwnerFile = "owner.pid";

    /// <summary>
    /// A test host that died abnormally (killed, crashed) never ran its exit handler, so its cluster still runs. Clusters
    /// whose owning test process is gone are shut down (immediate mode) and deleted before a new one starts.
    /// </summary>
    private static async Task SweepAbandonedClustersAsync()
    {
        foreach (var root in Directory.EnumerateDirectories(Path.GetTempPath(), "phonecrm-tests-*"))
        {
            var owner = Path.Combine(root, OwnerFile);
            if (!File.Exists(owner) || !int.TryParse(await File.ReadAllTextAsync(owner), out var ownerPid) || IsAlive(ownerPid)) continue;
            var postmaster = Path.Combine(root, "pgdata", "postmaster.pid");
            if (File.Exists(postmaster) && int.TryParse((await File.ReadAllLinesAsync(postmaster)).FirstOrDefault(), out var pgPid) && IsAlive(pgPid))
            {
                using var kill = System.Diagnostics.Process.Start("kill", ["-QUIT", pgPid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                for (var i = 0; i < 50 && IsAlive(pgPid); i++) await Task.Delay(100);
            }

            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<bool> DockerAnswersAsync()
    {
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix,
                        System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                    await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint("/var/run/docker.sock"), ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                },
            }) { Timeout = TimeSpan.FromSeconds(3) };
            return (await http.GetAsync("http://docker/_ping")).IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or TaskCanceledException)
        {
            return false;
        }
    }

    private static async Task StopAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_cluster is not null) await _cluster.StopAsync();
        if (_container is not null) await _container.DisposeAsync();
        if (_tempRoot is not null)
        {
            try { Directory.Delete(_tempRoot, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
