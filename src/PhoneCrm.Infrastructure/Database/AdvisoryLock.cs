using System.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace PhoneCrm.Infrastructure.Database;

/// <summary>
/// A named PostgreSQL advisory lock: the key is <c>hashtextextended(name, 0)</c>, derived by the database from the name, so
/// every node derives the same one and no two locks share a key unless they share a name. The factories below are every
/// lock the application takes from C#; SQL in migrations follows the same rule (<c>contacts_refresh_consents</c> takes
/// <c>consent_keys:{tenant}</c> for the transaction). Session locks die with their session, so a killed worker never leaves
/// one behind.
/// </summary>
public sealed class AdvisoryLock
{
    private const string TryLockSql = "SELECT pg_try_advisory_lock(hashtextextended(@name, 0))";
    private const string UnlockSql = "SELECT pg_advisory_unlock(hashtextextended(@name, 0))";
    private const string ProbeSql = "SELECT NOT (pg_try_advisory_lock(hashtextextended(@name, 0)) AND pg_advisory_unlock(hashtextextended(@name, 0)))";

    private AdvisoryLock(string name) => Name = name;

    public string Name { get; }

    /// <summary>One worker per import (contacts or events); the recovery sweeper re-enqueues only imports nobody holds.</summary>
    public static AdvisoryLock Import(Guid importId) => new($"import:{importId}");

    /// <summary>One worker per campaign batch.</summary>
    public static AdvisoryLock CampaignBatch(Guid campaignId, int batch) => new($"campaign:{campaignId}:{batch}");

    /// <summary>One node at a time works a tenant's automations.</summary>
    public static AdvisoryLock Automations(Guid tenantId) => new($"automations:{tenantId}");

    /// <summary>One retention run per tenant at a time.</summary>
    public static AdvisoryLock Retention(Guid tenantId) => new($"retention:{tenantId}");

    /// <summary>One run of a recurring job per tenant at a time (<c>TenantJobRunner</c>).</summary>
    public static AdvisoryLock TenantJob(string jobId, Guid tenantId) => new($"job:{jobId}:{tenantId}");

    public static AdvisoryLock ContactSearchBackfill(Guid tenantId) => new($"contact-search-backfill:{tenantId}");

    /// <summary>
    /// Runs <paramref name="work"/> on the context's connection, held open, while this session holds the lock; returns
    /// false without running it when another session holds the lock (no waiting).
    /// </summary>
    public async Task<bool> TryRunAsync(DbContext db, Func<NpgsqlConnection, Task> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            if (await Sql.ScalarAsync(conn, TryLockSql, ct, Sql.P("name", Name)) is not true) return false;
            try
            {
                await work(conn);
                return true;
            }
            finally
            {
                // A broken connection has ended its session, and the lock with it.
                if (conn.State == ConnectionState.Open) await Sql.ExecAsync(conn, UnlockSql, CancellationToken.None, Sql.P("name", Name));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>True when some session holds the lock now (probed by taking and releasing it at once).</summary>
    public async Task<bool> IsHeldAsync(DbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            return await Sql.ScalarAsync(conn, ProbeSql, ct, Sql.P("name", Name)) is true;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
