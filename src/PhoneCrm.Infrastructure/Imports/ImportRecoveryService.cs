using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Imports;

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
                    if (await AdvisoryLock.Import(importId).IsHeldAsync(db, ct)) continue;
                    Logger.LogInformation("Re-enqueuing stalled import {ImportId}", importId);
                    await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE imports SET updated_at = now() WHERE id = {importId}", ct);
                    ImportJobs.Enqueue(jobs, tenantId, importId);
                }

                return true;
            }, ct);
        }
    }
}
