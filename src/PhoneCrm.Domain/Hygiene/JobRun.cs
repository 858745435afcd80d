using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Hygiene;

/// <summary>
/// One run of a recurring job for one tenant (api-v1 "Hygiene jobs"): when, how long, how many rows it changed and what
/// (<see cref="Details"/>: counts by kind, a JSON object). Written only by <c>TenantJobRunner</c>, for every job alike.
/// </summary>
public sealed class JobRun : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The job's fixed id (<c>hygiene-engagement</c>, <c>retention</c>, …).</summary>
    public required string JobId { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long? DurationMs { get; set; }
    public string Status { get; set; } = JobRunStatus.Running;
    public int Changed { get; set; }
    /// <summary>What changed, by kind: a JSON object of counts, e.g. <c>{"unreachable":3}</c>.</summary>
    public string Details { get; set; } = "{}";
    public string? Error { get; set; }
}

public static class JobRunStatus
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
