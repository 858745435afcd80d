using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Messaging;

/// <summary>A one-off SMS send to a segment, under the send policy (api-v1 "Campaigns").</summary>
public sealed class Campaign : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public Guid SegmentId { get; set; }
    public required string Purpose { get; set; }
    public string Category { get; set; } = SmsCategories.Promotional;
    /// <summary>The template (variant A). Not personal data: the per-recipient rendering is stored encrypted on the message.</summary>
    public required string Text { get; set; }
    public int SegmentsPerMessage { get; set; } = 1;
    public string Status { get; set; } = CampaignStatus.Draft;
    public DateTimeOffset? SendAt { get; set; }
    /// <summary>Messages per minute; null = as fast as the provider takes them.</summary>
    public int? ThrottlePerMinute { get; set; }

    public string? VariantB { get; set; }
    public int? TestPercent { get; set; }
    public int? DecideAfterMinutes { get; set; }
    /// <summary>When the A/B winner is due to be picked (set at start).</summary>
    public DateTimeOffset? DecideAt { get; set; }
    /// <summary><c>a</c> or <c>b</c> once decided.</summary>
    public string? Winner { get; set; }

    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    public bool IsAbTest => VariantB is not null && TestPercent is not null;

    public string TextOf(string? variant) => variant == CampaignVariants.B && VariantB is not null ? VariantB : Text;

    /// <summary>Sends now, or schedules when <see cref="SendAt"/> is still ahead; false when the status does not allow it.</summary>
    public bool Start(DateTimeOffset now)
    {
        if (SendAt is { } at && at > now) return Schedule(now);
        if (!Move(CampaignMoves.Start, now)) return false;
        StartedAt = now;
        return true;
    }

    /// <summary>Waits for <see cref="SendAt"/>; the sweeper starts it when due.</summary>
    public bool Schedule(DateTimeOffset now) => Move(CampaignMoves.Schedule, now);

    public bool Pause(DateTimeOffset now) => Move(CampaignMoves.Pause, now);

    public bool Resume(DateTimeOffset now) => Move(CampaignMoves.Resume, now);

    public bool Cancel(DateTimeOffset now)
    {
        if (!Move(CampaignMoves.Cancel, now)) return false;
        CompletedAt = now;
        return true;
    }

    public bool Complete(DateTimeOffset now)
    {
        if (!Move(CampaignMoves.Complete, now)) return false;
        CompletedAt = now;
        return true;
    }

    private bool Move(CampaignMove move, DateTimeOffset now)
    {
        if (!move.From.Contains(Status)) return false;
        Status = move.To;
        UpdatedAt = now;
        return true;
    }
}

public sealed record CampaignMove(IReadOnlyList<string> From, string To);

/// <summary>
/// The lifecycle: the one place that says from which statuses each move is legal. Set-based SQL that moves campaigns
/// (the dispatcher completing one) guards with the same <see cref="CampaignMove.From"/>. A scheduled campaign may be
/// started again (its time still ahead: it stays scheduled); only a paused one resumes.
/// </summary>
public static class CampaignMoves
{
    public static readonly CampaignMove Start = new([CampaignStatus.Draft, CampaignStatus.Scheduled], CampaignStatus.Sending);
    public static readonly CampaignMove Schedule = new([CampaignStatus.Draft, CampaignStatus.Scheduled], CampaignStatus.Scheduled);
    public static readonly CampaignMove Pause = new([CampaignStatus.Sending], CampaignStatus.Paused);
    public static readonly CampaignMove Resume = new([CampaignStatus.Paused], CampaignStatus.Sending);
    public static readonly CampaignMove Cancel = new(
        [CampaignStatus.Draft, CampaignStatus.Scheduled, CampaignStatus.Sending, CampaignStatus.Paused], CampaignStatus.Cancelled);
    public static readonly CampaignMove Complete = new([CampaignStatus.Sending], CampaignStatus.Completed);
}

public static class CampaignStatus
{
    public const string Draft = "draft";
    public const string Scheduled = "scheduled";
    public const string Sending = "sending";
    /// <summary>An extension of api-v1: stopped by staff, may be resumed.</summary>
    public const string Paused = "paused";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
}

public static class CampaignVariants
{
    public const string A = "a";
    public const string B = "b";
}

/// <summary>
/// One row per (campaign, contact): the dispatch outbox. Planned as <see cref="RecipientOutcome.Pending"/> (or
/// <see cref="RecipientOutcome.Held"/> for the rest of an A/B audience) with the policy's decision made while planning, decided again per batch at send time.
/// </summary>
public sealed class CampaignRecipient : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid CampaignId { get; set; }
    public Guid ContactId { get; set; }
    public string Outcome { get; set; } = RecipientOutcome.Pending;
    public string? Reason { get; set; }
    public DateTimeOffset? DeferredUntil { get; set; }
    public Guid? MessageId { get; set; }
    public string? Variant { get; set; }
    /// <summary>The dispatch batch; null while held.</summary>
    public int? Batch { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class RecipientOutcome
{
    public const string Pending = "pending";
    /// <summary>Waiting for the A/B winner.</summary>
    public const string Held = "held";
    public const string Sent = "sent";
    public const string Skipped = "skipped";
    public const string Deferred = "deferred";
    /// <summary>The campaign was cancelled before this recipient was reached.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>A unit of dispatch work: one Hangfire job each; <see cref="DoneAt"/> marks it finished, so a sweeper can
/// re-enqueue what a crash left unfinished.</summary>
public sealed class CampaignBatch : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid CampaignId { get; set; }
    public int Batch { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A per-recipient short link (<c>/r/{code}</c>). Global (not tenant-filtered) on purpose: the anonymous redirect
/// must find the tenant from the code alone. Holds ids and the tenant's own URL, nothing personal.
/// </summary>
public sealed class ShortLink
{
    public required string Code { get; set; }
    public Guid OwnerTenantId { get; set; }
    /// <summary>The campaign the link went out in; null for an automation's message (<see cref="AutomationRunId"/>).</summary>
    public Guid? CampaignId { get; set; }
    public Guid? AutomationRunId { get; set; }
    public Guid ContactId { get; set; }
    public string? Variant { get; set; }
    public required string Url { get; set; }
    public int Clicks { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FirstClickedAt { get; set; }
    /// <summary>The latest click: an engagement of the contact (api-v1 "Engagement").</summary>
    public DateTimeOffset? LastClickedAt { get; set; }
}
