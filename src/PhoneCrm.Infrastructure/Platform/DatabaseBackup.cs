using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Npgsql;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Platform;

/// <summary>
/// The CLI's <c>backup --out FILE</c> and <c>restore --in FILE</c>: a consistent <c>pg_dump</c> (custom format, one
/// snapshot) of the whole application database, sealed on the way out by <see cref="BackupCipher"/> — nothing
/// unencrypted touches the disk — and restored into an empty database. Row-level security is forced on every tenant
/// table, even for the owner, so both run as the role in <c>ConnectionStrings:Backup</c> (a superuser or a BYPASSRLS
/// role; the embedded database sets it), against the application's database.
/// </summary>
public sealed class DatabaseBackup(IConfiguration config, PiiKeyRing ring)
{
    public const string ConnectionName = "Backup";

    /// <summary>Writes FILE (through FILE.partial, renamed when complete: a failed run leaves no file that looks whole).</summary>
    /// <exception cref="BackupException">What went wrong, for the operator.</exception>
    public async Task<long> BackupAsync(string file, CancellationToken ct)
    {
        var connection = Connection();
        var partial = file + ".partial";
        try
        {
            await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await RunAsync("pg_dump", ["--format=custom", "--no-password", "--dbname", DatabaseName(connection)], connection,
                    async (stdin, stdout) =>
                    {
                        stdin.Close();
                        await BackupCipher.SealAsync(stdout, output, ring, ct);
                    }, ct);
            }

            File.Move(partial, file, overwrite: true);
            return new FileInfo(file).Length;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Restores FILE into the application's database, which must be empty; the caller migrates afterwards (grants, new migrations).</summary>
    /// <exception cref="BackupException">What went wrong, for the operator.</exception>
    public async Task RestoreAsync(string file, CancellationToken ct)
    {
        if (!File.Exists(file)) throw new BackupException($"No backup file at {file}.");
        var connection = Connection();
        await using (var conn = new NpgsqlConnection(connection.ConnectionString))
        {
            await conn.OpenAsync(ct);
            await using var tables = new NpgsqlCommand(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", conn);
            if ((long)(await tables.ExecuteScalarAsync(ct))! > 0)
                throw new BackupException($"Database '{connection.Database}' is not empty: restore only into a new, empty database (nothing is overwritten).");
            // The dump's grants name the application role; the owner role is the login of ConnectionStrings:PhoneCrm.
            await using var role = new NpgsqlCommand($"""
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{TenantConnectionInterceptor.AppRole}') THEN
                    CREATE ROLE {TenantConnectionInterceptor.AppRole} NOLOGIN NOSUPERUSER NOBYPASSRLS;
                  END IF;
                END $$;
                """, conn);
            await role.ExecuteNonQueryAsync(ct);
        }

        await using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        // One transaction: a foreign file or a wrong key file fails before pg_restore reads a byte, an altered or cut part
        // fails the transaction — either way the database stays empty.
        await RunAsync("pg_restore", ["--exit-on-error", "--no-password", "--single-transaction", "--dbname", DatabaseName(connection)], connection,
            async (stdin, stdout) =>
            {
                try
                {
                    await BackupCipher.OpenAsync(input, stdin, ring, ct);
                }
                catch (InvalidDataException e)
                {
                    throw new BackupException(e.Message);
                }
                finally
                {
                    stdin.Close();
                }

                await stdout.CopyToAsync(Stream.Null, ct);
            }, ct);
    }

    private NpgsqlConnectionStringBuilder Connection()
    {
        var app = config.GetConnectionString(AppConnectionName) ?? throw new BackupException("ConnectionStrings:PhoneCrm is not set.");
        var backup = config.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(backup))
        {
            throw new BackupException(
                "Backups need a role that row-level security does not filter (a superuser or a BYPASSRLS role): set ConnectionStrings__Backup " +
                "to its connection string. The embedded database sets it itself.");
        }

        return new NpgsqlConnectionStringBuilder(backup) { Database = new NpgsqlConnectionStringBuilder(app).Database };
    }

    private const string AppConnectionName = "PhoneCrm";

    /// <summary>libpq's own keywords (host, port, dbname, user); the password travels in PGPASSWORD, never on a command line.</summary>
    private static string DatabaseName(NpgsqlConnectionStringBuilder c) =>
        $"host={c.Host} port={c.Port} dbname={c.Database} user={c.Username}";

    private static async Task RunAsync(string tool, string[] args, NpgsqlConnectionStringBuilder connection,
        Func<Stream, Stream, Task> pipe, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PGPASSWORD"] = connection.Password ?? "";
        psi.Environment["PGCONNECT_TIMEOUT"] = "15";
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new BackupException($"{tool} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BackupException($"{tool} was not found on PATH (it comes with the PostgreSQL client tools): {e.Message}");
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await pipe(process.StandardInput.BaseStream, process.StandardOutput.BaseStream);
            }
            catch
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                throw;
            }

            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0) throw new BackupException($"{tool} failed ({process.ExitCode}): {(await errors).Trim()}");
        }
    }
}

/// <summary>A backup or restore that cannot go on; the message says why and what to do.</summary>
public sealed class BackupException(string message) : Exception(message);
