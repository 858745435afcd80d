using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// <c>import-files-expiry</c> (hourly): a customer's uploaded file is kept no longer than its import needs it (issue 12
/// item 5). An upload never started (a wizard left at the mapping step) loses its file after 24 hours and becomes failed; a
/// finished import's file, kept only while its reports need it (rows with rejections or several numbers re-read the
/// original rows), goes <c>Imports:KeepReportFileHours</c> (24) after completion. Set-based and idempotent.
/// </summary>
public sealed class ImportFilesExpiryJob(PhoneCrmDbContext db, IConfiguration config, TimeProvider clock) : ITenantJob
{
    public const string JobId = "import-files-expiry";
    public const string ExpiredError = "The upload expired: it was not started within 24 hours, and its file was deleted.";
    public static readonly TimeSpan DraftLifetime = TimeSpan.FromHours(24);

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<ImportFilesExpiryJob>(JobId, "15 * * * *",
        "Deletes uploaded import files: never-started uploads after 24 h, finished imports' files once their reports no longer need them");

    public async Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var draftBefore = now - DraftLifetime;
        var finishedBefore = now - TimeSpan.FromHours(config.GetValue("Imports:KeepReportFileHours", 24.0));
        var expired = await db.Set<ImportJob>().Where(i => i.Status == ImportStatus.Draft && i.CreatedAt < draftBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ImportStatus.Failed).SetProperty(i => i.Error, ExpiredError)
                .SetProperty(i => i.CompletedAt, now).SetProperty(i => i.UpdatedAt, now), ct);
        var deleted = await db.Database.ExecuteSqlInterpolatedAsync($"""
            DELETE FROM import_file_chunks f USING imports i
            WHERE i.tenant_id = f.tenant_id AND i.id = f.import_id AND i.tenant_id = {tenantId}
              AND i.status IN ('Completed', 'Failed') AND (i.error = {ExpiredError} OR i.completed_at < {finishedBefore})
            """, ct);
        return TenantJobResult.Of(new Dictionary<string, int> { ["expiredUploads"] = expired, ["chunksDeleted"] = deleted });
    }
}
