using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace PhoneCrm.Infrastructure.Database;

/// <summary>
/// A private PostgreSQL cluster started from the server binaries on PATH (initdb, pg_ctl, postgres).
/// Used by the run command when no connection string is configured, and by the tests.
/// PostgreSQL refuses to run as root, so as root the cluster belongs to an unprivileged user.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string SuperUser = "phonecrm";
    /// <summary>The app's login: owns the database but is no superuser, so forced row-level security applies to it.</summary>
    public const string OwnerUser = "phonecrm_owner";
    private const string ServiceUser = "postgres";
    private readonly string _dataDirectory;
    private readonly string _password;
    private bool _startedHere;

    private EmbeddedPostgres(string dataDirectory, int port, string password)
    {
        _dataDirectory = dataDirectory;
        Port = port;
        _password = password;
    }

    public int Port { get; }

    public string ConnectionString(string database = "phonecrm") => Build(OwnerUser, database);

    /// <summary>The cluster's superuser (row-level security does not filter it): for backups and restores only.</summary>
    public string SuperuserConnectionString(string database = "phonecrm") => Build(SuperUser, database);

    private string Build(string user, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = user,
        Password = _password,
        Database = database,
        Pooling = true,
        MaxPoolSize = 50,
    }.ConnectionString;

    /// <summary>Initialises the cluster if needed, starts it unless already running, and creates the database.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(string dataDirectory, int preferredPort, string database,
        Action<string>? log = null, CancellationToken ct = default)
    {
        log ??= _ => { };
        var bin = FindBinaries();
        dataDirectory = Path.GetFullPath(dataDirectory);
        var root = Directory.GetParent(dataDirectory)!.FullName;
        Directory.CreateDirectory(root);
        var passwordFile = Path.Combine(root, "superuser.password");
        var portFile = Path.Combine(root, "port");
        var asRoot = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" || IsRoot();

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            log($"Initialising a private PostgreSQL cluster in {dataDirectory}");
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            await File.WriteAllTextAsync(passwordFile, password, ct);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.CreateDirectory(dataDirectory);
            var pwFile = Path.Combine(root, "initdb.pw");
            await File.WriteAllTextAsync(pwFile, password, ct);
            if (asRoot)
            {
                await EnsureServiceUserAsync(ct);
                await RunAsync("chown", ["-R", $"{ServiceUser}:", dataDirectory], ct);
                await RunAsync("chown", [$"{ServiceUser}:", pwFile], ct);
                MakeTraversable(root);
            }

            await RunPgAsync(bin, "initdb", ["-D", dataDirectory, "-U", SuperUser, "--pwfile", pwFile, "-E", "UTF8",
                "--locale=C.UTF-8", "--auth-local=scram-sha-256", "--auth-host=scram-sha-256"], asRoot, ct);
            File.Delete(pwFile);
            var port = preferredPort > 0 && IsPortFree(preferredPort) ? preferredPort : FreePort();
            await File.WriteAllTextAsync(portFile, port.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            await File.AppendAllTextAsync(Path.Combine(dataDirectory, "postgresql.conf"), $"""

                # PhoneCrm private cluster
                listen_addresses = '127.0.0.1'
                port = {port}
                unix_socket_directories = ''
                max_connections = 200
                # Segment counts and campaign planning scan a tenant's contacts, consents and stats: keep them in
                # shared buffers (reads from the OS cache cost a copy per page) and price index pages as cached.
                shared_buffers = 1GB
                random_page_cost = 1.1
                # A checkpoint makes the next change of every page write the whole page to the WAL; at the default 1 GB a
                # 1M-row import checkpointed every ~200,000 rows, and its random-key index pages were logged whole again.
                max_wal_size = 8GB
                checkpoint_timeout = 15min
                # A bulk import writes ~40 MB of WAL a second from two backends: with the default 16 MB of WAL buffers they
                # waited on each other to write them out (WALWrite), and each new 16 MB segment was first filled with zeros.
                wal_buffers = 64MB
                wal_init_zero = off
                fsync = on
                logging_collector = off
                """, ct);
        }

        var cluster = new EmbeddedPostgres(dataDirectory,
            int.Parse(await File.ReadAllTextAsync(portFile, ct), System.Globalization.CultureInfo.InvariantCulture),
            (await File.ReadAllTextAsync(passwordFile, ct)).Trim());

        if (!await cluster.CanConnectAsync("postgres", ct))
        {
            log($"Starting PostgreSQL on 127.0.0.1:{cluster.Port}");
            var logFile = Path.Combine(dataDirectory, "server.log");
            // A kill -9 of the owner leaves postmaster.pid behind; pg_ctl handles a stale file itself.
            await RunPgAsync(bin, "pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "start"], asRoot, ct);
            cluster._startedHere = true;
        }

        await cluster.EnsureDatabaseAsync(database, ct);
        return cluster;
    }

    public async Task StopAsync()
    {
        if (!_startedHere) return;
        _startedHere = false;
        var bin = FindBinaries();
        // A server that is already down (stopped by a signal of its own) is what we want, not an error.
        var (code, output) = await RunPgAsync(bin, "pg_ctl", ["-D", _dataDirectory, "-m", "fast", "-w", "stop"], IsRoot(),
            CancellationToken.None, throwOnError: false);
        if (code != 0 && !output.Contains("Is server running?", StringComparison.Ordinal))
            throw new InvalidOperationException($"pg_ctl stop failed ({code}): {output}");
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "The role and database names are the embedded cluster's own settings, not user input.")]
    public async Task EnsureDatabaseAsync(string database, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(SuperuserConnectionString("postgres"));
        await conn.OpenAsync(ct);
        await using (var role = new NpgsqlCommand($"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OwnerUser}') THEN
                CREATE ROLE {OwnerUser} LOGIN NOSUPERUSER CREATEROLE NOBYPASSRLS PASSWORD '{_password}';
              END IF;
            END $$;
            """, conn))
        {
            await role.ExecuteNonQueryAsync(ct);
        }

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", conn);
        exists.Parameters.AddWithValue("n", database);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand(
                $"CREATE DATABASE \"{database.Replace("\"", "", StringComparison.Ordinal)}\" OWNER {OwnerUser}", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task<bool> CanConnectAsync(string database, CancellationToken ct)
    {
        try
        {
            var csb = new NpgsqlConnectionStringBuilder(SuperuserConnectionString(database)) { Timeout = 3, Pooling = false };
            await using var conn = new NpgsqlConnection(csb.ConnectionString);
            await conn.OpenAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The directory holding initdb/pg_ctl, or a clear error telling how to get PostgreSQL.</summary>
    public static string FindBinaries()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin"))
                : []);
        foreach (var dir in candidates)
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
                return dir;
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH. " +
            "Install them (Debian/Ubuntu: 'apt-get install -y postgresql' and add /usr/lib/postgresql/15/bin to PATH), " +
            "or start a database with 'docker compose up -d db' and set ConnectionStrings__PhoneCrm, " +
            "e.g. 'Host=localhost;Port=5432;Database=phonecrm;Username=phonecrm;Password=phonecrm'.");
    }

    private static bool IsRoot()
    {
        try
        {
            return File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal)
                && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task EnsureServiceUserAsync(CancellationToken ct)
    {
        if ((await RunAsync("id", ["-u", ServiceUser], ct, throwOnError: false)).ExitCode == 0) return;
        await RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ServiceUser], ct);
    }

    /// <summary>The service user must be able to reach the data folder through every parent.</summary>
    private static void MakeTraversable(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        for (var dir = new DirectoryInfo(directory); dir is not null && dir.FullName != "/"; dir = dir.Parent)
        {
            var mode = File.GetUnixFileMode(dir.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
                File.SetUnixFileMode(dir.FullName, mode | UnixFileMode.OtherExecute);
        }
    }

    /// <summary>
    /// Runs a PostgreSQL tool in its own session (setsid): Ctrl+C in the terminal signals the whole foreground process
    /// group, and the server and pg_ctl must not receive it — the app stops the cluster itself, cleanly.
    /// </summary>
    private static Task<(int ExitCode, string Output)> RunPgAsync(string bin, string tool, string[] args, bool asRoot,
        CancellationToken ct, bool throwOnError = true)
    {
        string[] command = asRoot ? ["runuser", "-u", ServiceUser, "--", Path.Combine(bin, tool), .. args] : [Path.Combine(bin, tool), .. args];
        return File.Exists("/usr/bin/setsid")
            ? RunAsync("/usr/bin/setsid", ["--wait", .. command], ct, throwOnError)
            : RunAsync(command[0], command[1..], ct, throwOnError);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, CancellationToken ct,
        bool throwOnError = true)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}");
        // pg_ctl start leaves the server holding inherited pipes; read stderr/stdout without waiting for EOF forever.
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        // A started server may inherit the pipes; never wait long for their end.
        await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(2000, ct));
        var output = (stdout.IsCompletedSuccessfully ? stdout.Result : "") + (stderr.IsCompletedSuccessfully ? stderr.Result : "");
        if (throwOnError && p.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({p.ExitCode}): {output}");
        return (p.ExitCode, output);
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
