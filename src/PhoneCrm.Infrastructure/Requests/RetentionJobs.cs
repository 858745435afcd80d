using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>
/// The recurring job <c>retention</c> (api-v1 "Hygiene jobs", daily), run per tenant by <see cref="TenantJobRunner"/>;
/// each tenant's run works its candidates in keyset batches under a per-tenant lock, destroys those due through
/// <see cref="ContactErasure"/> (one transaction and one act per person) and records the run. A run cut short is
/// resumed by the next from its cursor; people already destroyed are no longer candidates, so a repeated run changes nothing.
/// </summary>
public sealed partial class RetentionJobs(
    PhoneCrmDbContext db, Retention retention, ContactErasure erasure, TimeProvider clock, ILogger<RetentionJobs> log) : ITenantJob
{
    public const string JobId = "retention";

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<RetentionJobs>(JobId, "0 2 * * *",
        "Destroys the data of people whose every purpose ended (consent withdrawn or expired, no other basis) within 30 days, with an act each");

    async Task<TenantJobResult> ITenantJob.RunTenantAsync(Guid tenantId, CancellationToken ct) =>
        await RunTenantAsync(tenantId, ct) is { } run
            ? TenantJobResult.Of(new Dictionary<string, int> { ["destroyed"] = run.Destroyed })
            : new TenantJobResult(0);

    /// <summary>One tenant's run (the tenant is set from <paramref name="tenantId"/> by the job filter). Null when another worker holds the tenant's run.</summary>
    public async Task<RetentionRun?> RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        _ = tenantId;
        RetentionRun? result = null;
        var ran = await AdvisoryLock.Retention(db.Tenant.RequireTenant()).TryRunAsync(db, async _ => result = await RunAsync(ct), ct);
        if (!ran) LogBusy(log, db.Tenant.RequireTenant());
        return result;
    }

    private async Task<RetentionRun> RunAsync(CancellationToken ct)
    {
        var run = await db.RetentionRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Status == RetentionRunStatus.Running, ct);
        if (run is null)
        {
            run = new RetentionRun { StartedAt = clock.GetUtcNow() };
            db.RetentionRuns.Add(run);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }

        try
        {
            while (true)
            {
                var now = clock.GetUtcNow();
                var batch = await retention.CandidatesAsync(run.Cursor, now, Retention.BatchSize, ct);
                if (batch.Count == 0) break;
                var acts = new List<Guid>();
                var failed = 0;
                foreach (var decision in (await retention.DecideAsync(batch, now, ct)).Where(d => d.Verdict == RetentionVerdict.Destroy))
                {
                    try
                    {
                        acts.Add(await erasure.EraseAsync(decision.ContactId, DestructionReason.Retention, null, ct));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // One person's failure must not stop the others: they stay candidates for the next run.
                        failed++;
                        LogEraseFailed(log, e, decision.ContactId);
                    }
                    finally
                    {
                        db.ChangeTracker.Clear(); // bounded memory, and nothing of a rolled-back erasure is saved later
                    }
                }

                run.Cursor = batch[^1];
                run.Examined += batch.Count;
                run.Destroyed += acts.Count;
                run.Failed += failed;
                run.ActIds.AddRange(acts);
                await db.RetentionRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Cursor, run.Cursor).SetProperty(r => r.Examined, run.Examined)
                    .SetProperty(r => r.Destroyed, run.Destroyed).SetProperty(r => r.Failed, run.Failed)
                    .SetProperty(r => r.ActIds, run.ActIds), ct);
            }

            return await FinishAsync(run, RetentionRunStatus.Completed, null, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FinishAsync(run, RetentionRunStatus.Failed, e.Message, CancellationToken.None);
            throw;
        }
    }

    private async Task<RetentionRun> FinishAsync(RetentionRun run, string status, string? error, CancellationToken ct)
    {
        run.Status = status;
        run.FinishedAt = clock.GetUtcNow();
        run.Error = error is null ? null : error[..Math.Min(error.Length, 2000)];
        await db.RetentionRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, run.Status).SetProperty(r => r.FinishedAt, run.FinishedAt).SetProperty(r => r.Error, run.Error), ct);
        return run;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention for tenant {TenantId} is already running elsewhere; skipped")]
    private static partial void LogBusy(ILogger logger, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention could not erase contact {ContactId}; it stays a candidate")]
    private static partial void LogEraseFailed(ILogger logger, Exception error, Guid contactId);
}
