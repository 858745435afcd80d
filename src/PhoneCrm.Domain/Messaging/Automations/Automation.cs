using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Messaging.Automations;

/// <summary>A tenant's settings for one <see cref="AutomationKind"/>. Off until a Marketer switches it on.</summary>
public sealed class Automation : ITenantOwned
{
    public Guid TenantId { get; set; }
    public required string Kind { get; set; }
    public bool Enabled { get; set; }
    public required string Text { get; set; }
    public string? FollowUpText { get; set; }
    public int DelayMinutes { get; set; }
    /// <summary>Cross-sell only: the category bought that starts the run (e.g. <c>coffee_machines</c>); null = any order.</summary>
    public string? Category { get; set; }
    /// <summary>The personal offer code used as <c>{{promoCode}}</c> (birthday, cart follow-up).</summary>
    public string? PromoCode { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static Automation Default(AutomationKind kind) => new()
    {
        Kind = kind.Code,
        Text = kind.DefaultText,
        FollowUpText = kind.DefaultFollowUpText,
        DelayMinutes = (int)kind.DefaultDelay.TotalMinutes,
    };
}

/// <summary>
/// One scheduled step of an automation for one contact. <see cref="DedupeKey"/> is unique per tenant (the trigger
/// event and step, or contact and year for birthdays), so rescanning events never schedules a run twice, and the
/// message's idempotency key derives from the run id, so a run never sends twice.
/// </summary>
public sealed class AutomationRun : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Kind { get; set; }
    public Guid ContactId { get; set; }
    public Guid? EventId { get; set; }
    public int Step { get; set; } = 1;
    public required string DedupeKey { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public string Status { get; set; } = AutomationRunStatus.Pending;
    /// <summary>Send-policy reason when skipped or deferred, or why it was cancelled.</summary>
    public string? Reason { get; set; }
    public Guid? MessageId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
}

public static class AutomationRunStatus
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Skipped = "skipped";
    /// <summary>The trigger lost its point before the run was due (the cart was recovered, the appointment passed).</summary>
    public const string Cancelled = "cancelled";
    public const string HandedOff = "handed_off";
}

/// <summary>How far the scheduler has read a tenant's events, and the last day birthdays were scheduled.</summary>
public sealed class AutomationCursor : ITenantOwned
{
    public Guid TenantId { get; set; }
    public DateTimeOffset EventsScannedUntil { get; set; }
    public DateOnly? BirthdaysScheduledFor { get; set; }
}
