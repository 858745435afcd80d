using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Jobs;

/// <summary>
/// Runs the <see cref="ITenantJob"/> of a <see cref="RecurringJobDefinition.PerTenant{TJob}"/> job for each tenant, and is the
/// one writer of the run history (<see cref="JobRun"/>): a run row is opened before the work and closed with its duration,
/// what changed and its status (failed runs too, with the error). One run per job and tenant at a time (an advisory lock);
/// a run that finds the lock held is skipped, as the holder is doing the same work.
/// </summary>
public sealed partial class TenantJobRunner(
    IServiceProvider services, IServiceScopeFactory scopes, PhoneCrmDbContext db, IBackgroundJobClient jobs,
    IEnumerable<RecurringJobDefinition> definitions, TimeProvider clock, ILogger<TenantJobRunner> log)
{
    private static readonly JsonSerializerOptions DetailsJson = new() { PropertyNamingPolicy = null };

    /// <summary>Every registered job, by id.</summary>
    public IReadOnlyList<RecurringJobDefinition> Definitions { get; } = [.. definitions.OrderBy(d => d.Id, StringComparer.Ordinal)];

    public RecurringJobDefinition? Find(string jobId) => Definitions.FirstOrDefault(d => d.Id == jobId);

    /// <summary>The scheduled method (platform level, no tenant): one <see cref="RunTenantAsync"/> job per tenant. Returns the number of tenants.</summary>
    public async Task<int> EnqueueTenantsAsync(string jobId, CancellationToken ct)
    {
        _ = Require(jobId);
        var tenants = await TenantsAsync(ct);
        foreach (var tenantId in tenants) jobs.Enqueue<TenantJobRunner>(r => r.RunTenantAsync(jobId, tenantId, CancellationToken.None));
        return tenants.Count;
    }

    /// <summary>
    /// One tenant's run, recorded. The tenant is current already (<c>TenantJobFilter</c> sets it from <paramref name="tenantId"/>;
    /// <see cref="RunNowAsync"/> in the foreground). Returns how many rows the job changed (0 when skipped as busy).
    /// </summary>
    [Queue("bulk")]
    [AutomaticRetry(Attempts = 3, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task<int> RunTenantAsync(string jobId, Guid tenantId, CancellationToken ct)
    {
        var definition = Require(jobId);
        if (db.Tenant.RequireTenant() != tenantId) throw new InvalidOperationException("The job's tenant is not the current tenant.");
        var job = (ITenantJob)services.GetRequiredService(definition.TenantJob!);
        var changed = 0;
        var ran = await AdvisoryLock.TenantJob(jobId, tenantId).TryRunAsync(db, async _ => changed = await RecordAsync(jobId, tenantId, job, ct), ct);
        if (!ran) LogBusy(log, jobId, tenantId);
        return changed;
    }

    /// <summary>The CLI's <c>jobs run &lt;id&gt;</c>: the job for every tenant now, in the foreground, each tenant in its own scope.</summary>
    public async Task<(int Tenants, int Changed)> RunNowAsync(string jobId, CancellationToken ct)
    {
        _ = Require(jobId);
        var tenants = await TenantsAsync(ct);
        var changed = 0;
        foreach (var tenantId in tenants)
        {
            await using var scope = scopes.CreateAsyncScope();
            // The foreground's counterpart of TenantJobFilter: the scope runs as the tenant before anything is resolved from it.
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
            changed += await scope.ServiceProvider.GetRequiredService<TenantJobRunner>().RunTenantAsync(jobId, tenantId, ct);
        }

        return (tenants.Count, changed);
    }

    private RecurringJobDefinition Require(string jobId) =>
        Find(jobId) is { TenantJob: not null } definition ? definition
        : throw new ArgumentException($"No per-tenant recurring job has the id '{jobId}'.", nameof(jobId));

    private Task<List<Guid>> TenantsAsync(CancellationToken ct) => db.Tenants.AsNoTracking().OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(ct);

    private async Task<int> RecordAsync(string jobId, Guid tenantId, ITenantJob job, CancellationToken ct)
    {
        var run = new JobRun { TenantId = tenantId, JobId = jobId, StartedAt = clock.GetUtcNow() };
        db.JobRuns.Add(run);
        await db.SaveChangesAsync(ct);
        db.Entry(run).State = EntityState.Detached;
        try
        {
            var result = await job.RunTenantAsync(tenantId, ct);
            await FinishAsync(run, JobRunStatus.Completed, result, null);
            return result.Changed;
        }
        catch (Exception e)
        {
            await FinishAsync(run, JobRunStatus.Failed, null, e.Message);
            throw;
        }
    }

    private async Task FinishAsync(JobRun run, string status, TenantJobResult? result, string? error)
    {
        db.ChangeTracker.Clear(); // nothing a failed job left tracked is saved with the record
        var finished = clock.GetUtcNow();
        var duration = (long)(finished - run.StartedAt).TotalMilliseconds;
        var changed = result?.Changed ?? 0;
        var details = JsonSerializer.Serialize(result?.Details ?? new Dictionary<string, int>(), DetailsJson);
        var message = error is null ? null : error[..Math.Min(error.Length, 2000)];
        // Not cancellable: a cancelled run is still recorded as failed.
        await db.JobRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.FinishedAt, finished)
            .SetProperty(r => r.DurationMs, duration)
            .SetProperty(r => r.Status, status)
            .SetProperty(r => r.Changed, changed)
            .SetProperty(r => r.Details, details)
            .SetProperty(r => r.Error, message), CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} for tenant {TenantId} is already running elsewhere; skipped")]
    private static partial void LogBusy(ILogger logger, string jobId, Guid tenantId);
}
