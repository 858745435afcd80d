using Hangfire;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// Hangfire entry point: one job per import, on the bulk queue, retried on failure (it resumes); it runs for its
/// <c>tenantId</c> argument (<see cref="Tenancy.TenantJobFilter"/>).
/// </summary>
public sealed class ImportJobs(ImportRun run)
{
    [Queue("bulk")]
    [AutomaticRetry(Attempts = 10, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public Task RunAsync(Guid tenantId, Guid importId, CancellationToken ct) => run.RunAsync(importId, ct);

    public static string Enqueue(IBackgroundJobClient jobs, Guid tenantId, Guid importId) =>
        jobs.Enqueue<ImportJobs>(j => j.RunAsync(tenantId, importId, CancellationToken.None));
}
