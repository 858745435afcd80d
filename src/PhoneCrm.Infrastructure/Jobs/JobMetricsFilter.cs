using System.Diagnostics;
using Hangfire.Server;
using PhoneCrm.Infrastructure.Hosting;

namespace PhoneCrm.Infrastructure.Jobs;

/// <summary>
/// Records every Hangfire job's duration and outcome in <c>phonecrm.job.duration</c>. The job is named by its class and
/// method (<c>ImportJobs.RunAsync</c>); a per-tenant recurring job by its fixed id (<c>hygiene-engagement</c>, and
/// <c>hygiene-engagement.enqueue</c> for the run that enqueues it per tenant), never by
/// its tenant or any other argument.
/// </summary>
public sealed class JobMetricsFilter : IServerFilter
{
    private const string StartedKey = "phonecrm.metrics.started";

    public void OnPerforming(PerformingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[StartedKey] = Stopwatch.GetTimestamp();
    }

    public void OnPerformed(PerformedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Items.TryGetValue(StartedKey, out var started) || started is not long start) return;
        PhoneCrmMetrics.JobRan(NameOf(context.BackgroundJob.Job), context.Exception is null || context.ExceptionHandled,
            Stopwatch.GetElapsedTime(start));
    }

    public static string NameOf(Hangfire.Common.Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Type == typeof(TenantJobRunner) && job.Args.Count > 0 && job.Args[0] is string jobId)
        {
            return job.Method.Name == nameof(TenantJobRunner.RunTenantAsync) ? jobId : $"{jobId}.enqueue";
        }

        return $"{job.Type.Name}.{job.Method.Name}";
    }
}
