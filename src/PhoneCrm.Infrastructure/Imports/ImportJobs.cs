using Hangfire;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// Hangfire entry point: one job per import, on the bulk queue, retried on failure (it resumes); it runs for its
/// <c>tenantId</c> argument (<see cref="Tenancy.TenantJobFilter"/>). Its second step settles the tables after a large
/// import (<see cref="ImportSettle"/>): the import is already <c>Completed</c> by then, and a retry after a failed settle
/// finds it completed and only settles again.
/// </summary>
public sealed class ImportJobs(ImportRun run, ImportSettle settle)
{
    [Queue("bulk")]
    [AutomaticRetry(Attempts = 10, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunAsync(Guid tenantId, Guid importId, CancellationToken ct)
    {
        await run.RunAsync(importId, ct);
        await settle.SettleAsync(importId, ct);
    }

    public static string Enqueue(IBackgroundJobClient jobs, Guid tenantId, Guid importId) =>
        jobs.Enqueue<ImportJobs>(j => j.RunAsync(tenantId, importId, CancellationToken.None));
}
