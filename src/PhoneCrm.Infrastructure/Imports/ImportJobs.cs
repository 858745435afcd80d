using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>Hangfire entry point: one job per import, on the bulk queue, retried on failure (it resumes).</summary>
public sealed class ImportJobs(ImportProcessor processor, Events.Import.EventImportProcessor eventProcessor, PhoneCrmDbContext db)
{
    /// <summary>Runs the import with the processor of its kind (contacts or events).</summary>
    [Queue("bulk")]
    [AutomaticRetry(Attempts = 10, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunAsync(Guid tenantId, Guid importId, CancellationToken ct)
    {
        db.Tenant.Set(tenantId);
        var kind = await db.Set<ImportJob>().AsNoTracking().Where(i => i.Id == importId).Select(i => i.Kind).SingleOrDefaultAsync(ct);
        if (kind == ImportKinds.Events) await eventProcessor.RunAsync(tenantId, importId, ct);
        else await processor.RunAsync(tenantId, importId, ct);
    }

    public static string Enqueue(IBackgroundJobClient jobs, Guid tenantId, Guid importId) =>
        jobs.Enqueue<ImportJobs>(j => j.RunAsync(tenantId, importId, CancellationToken.None));
}

/// <summary>
/// After a crash the import's job may sit invisible in Hangfire until its lease times out. This sweeper re-enqueues
/// imports that are queued or running but not advancing and not locked by a live worker; the advisory lock and the
/// batch checkpoint make an extra run harmless.
/// </summary>
public sealed class ImportRecoveryService(
    IServiceScopeFactory scopes,
    Microsoft.Extensions.Configuration.IConfiguration config,
    ILogger<ImportRecoveryService> logger) : TenantLoopService(scopes, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(config.GetValue("Imports:RecoveryIntervalSeconds", 15.0));
    private TimeSpan StaleAfter => TimeSpan.FromSeconds(config.GetValue("Imports:StaleAfterSeconds", 20.0));

    protected override Task RunPassAsync(CancellationToken ct) => SweepAsync(ct);

    public async Task SweepAsync(CancellationToken ct)
    {
        var before = DateTimeOffset.UtcNow - StaleAfter;
        foreach (var tenantId in await TenantIdsAsync(ct))
        {
            await InTenantAsync(tenantId, null, async (sp, db) =>
            {
                var jobs = sp.GetRequiredService<IBackgroundJobClient>();
                var stale = await db.Set<ImportJob>().AsNoTracking()
                    .Where(i => (i.Status == ImportStatus.Queued || i.Status == ImportStatus.Running) && i.UpdatedAt < before)
                    .Select(i => i.Id).ToListAsync(ct);
                foreach (var importId in stale)
                {
                    if (!await IsIdleAsync(db, importId, ct)) continue;
                    Logger.LogInformation("Re-enqueuing stalled import {ImportId}", importId);
                    await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE imports SET updated_at = now() WHERE id = {importId}", ct);
                    ImportJobs.Enqueue(jobs, tenantId, importId);
                }

                return true;
            }, ct);
        }
    }

    private static async Task<bool> IsIdleAsync(PhoneCrmDbContext db, Guid importId, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var cmd = new NpgsqlCommand(
                "SELECT pg_try_advisory_lock(hashtextextended(@id, 7)) AND pg_advisory_unlock(hashtextextended(@id, 7))", conn);
            cmd.Parameters.AddWithValue("id", importId.ToString());
            return (bool)(await cmd.ExecuteScalarAsync(ct))!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
