using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Surveys;

/// <summary>A phone survey of a saved segment (api-v1 "Surveys"): its script, the reward offered, and where it stands.</summary>
public sealed class Survey : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public Guid SegmentId { get; set; }
    /// <summary>The <see cref="SurveyScript"/> as JSON (api-v1 <c>script</c>).</summary>
    public required string Script { get; set; }
    /// <summary>The promo code the operator offers as thanks, or null.</summary>
    public string? RewardCode { get; set; }
    public string Status { get; set; } = SurveyStatuses.Draft;
    /// <summary>Who gets the quality queue's items when nobody else is named: the survey's author.</summary>
    public Guid? OwnerId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
}

public static class SurveyStatuses
{
    public const string Draft = "draft";
    public const string Running = "running";
}

/// <summary>
/// One contact in a survey's call queue. The queue is built when the survey starts, each contact decided by the send
/// policy (purpose <c>surveys</c>, channel <c>voice</c>): callable now, deferred to the next window in their own zone, or
/// skipped with the policy's reason. Operators take the earliest due item, in queue order.
/// </summary>
public sealed class SurveyCall : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid SurveyId { get; set; }
    public Guid ContactId { get; set; }
    /// <summary>Order in the queue (segment members by creation), ties of <see cref="DueAt"/> broken by it.</summary>
    public int Position { get; set; }
    public string Status { get; set; } = SurveyCallStatuses.Queued;
    /// <summary>Not to be called before this moment (quiet hours in the contact's zone, a call back, a retry).</summary>
    public DateTimeOffset DueAt { get; set; }
    public string? SkipReason { get; set; }
    public Guid? OperatorId { get; set; }
    public DateTimeOffset? TakenAt { get; set; }
    public int Attempts { get; set; }
}

public static class SurveyCallStatuses
{
    public const string Queued = "queued";
    public const string InProgress = "in_progress";
    public const string Done = "done";
    public const string Skipped = "skipped";
}

/// <summary>The result of one call: its outcome, the recording-consent flag and the answers by step id.</summary>
public sealed class SurveyResponse : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SurveyId { get; set; }
    public Guid ContactId { get; set; }
    public required string Outcome { get; set; }
    public bool RecordingConsent { get; set; }
    /// <summary>The answers as a JSON object keyed by step id (numbers for NPS, strings otherwise).</summary>
    public string Answers { get; set; } = "{}";
    /// <summary>The NPS answer (0–10), copied out of <see cref="Answers"/> for the reports.</summary>
    public int? Nps { get; set; }
    public DateTimeOffset? CallbackAt { get; set; }
    public Guid? OperatorId { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

public static class SurveyOutcomes
{
    public const string Answered = "answered";
    public const string NoAnswer = "no_answer";
    public const string Refused = "refused";
    public const string Callback = "callback";

    public static IReadOnlyList<string> All { get; } = [Answered, NoAnswer, Refused, Callback];
}

/// <summary>A follow-up owed to an unhappy respondent (NPS ≤ 6 or a negative answer): who owns it, by when, how it was resolved.</summary>
public sealed class QualityItem : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SurveyId { get; set; }
    public Guid ResponseId { get; set; }
    public Guid ContactId { get; set; }
    public required string Reason { get; set; }
    public Guid? OwnerId { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? Resolution { get; set; }
    public Guid? ResolvedBy { get; set; }
}

/// <summary>A message for the team inside the app (the dashboard shows the latest to those holding <see cref="Permission"/>).</summary>
public sealed class Notification : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Kind { get; set; }
    /// <summary>The permission a user needs to see it (a <c>Permission</c> name).</summary>
    public required string Permission { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    /// <summary>Makes a repeated job run write the same notification once (e.g. <c>surveys-weekly:2026-W49</c>).</summary>
    public required string DedupKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
