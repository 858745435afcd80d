namespace PhoneCrm.Domain.Messaging.Automations;

/// <summary>What the scheduler knows about a new event when it decides which automation runs to schedule.</summary>
/// <param name="UnansweredInARow">For <c>call_unanswered</c>: how many unanswered calls in a row this one makes.</param>
public sealed record AutomationTrigger(
    Guid EventId,
    Guid ContactId,
    string EventType,
    DateTimeOffset OccurredAt,
    DateTimeOffset? AppointmentAt,
    IReadOnlyList<string> Categories,
    int UnansweredInARow);

public sealed record PlannedRun(string Kind, int Step, DateTimeOffset DueAt, string DedupeKey);

/// <summary>Turns an event into the runs an enabled automation schedules for it (PRODUCT §2.4 triggered messages).</summary>
public static class AutomationPlanner
{
    /// <summary>
    /// Runs that would have been due longer ago than this are not scheduled: importing last year's orders must not
    /// send last year's confirmations.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(1);

    public static IReadOnlyList<PlannedRun> Plan(Automation settings, AutomationTrigger trigger, DateTimeOffset now)
    {
        var kind = AutomationKind.Find(settings.Kind);
        if (kind is null || !settings.Enabled || kind.TriggerEvent != trigger.EventType) return [];

        var delay = TimeSpan.FromMinutes(Math.Max(0, settings.DelayMinutes));
        DateTimeOffset due;
        switch (kind.Code)
        {
            case AutomationKind.AppointmentReminder:
                if (trigger.AppointmentAt is not { } at || at <= now) return [];
                // Booked less than the lead time ahead: remind as soon as possible instead of never.
                due = Max(at - delay, trigger.OccurredAt);
                break;
            case AutomationKind.CrossSell when settings.Category is { Length: > 0 } category &&
                                               !trigger.Categories.Contains(category, StringComparer.OrdinalIgnoreCase):
                return [];
            case AutomationKind.UnansweredCallHandoff when trigger.UnansweredInARow != 2:
                return [];
            default:
                due = trigger.OccurredAt + delay;
                break;
        }

        var runs = new List<PlannedRun>(2) { Run(kind, trigger, 1, due) };
        if (kind.FollowUpDelay is { } followUp && !string.IsNullOrWhiteSpace(settings.FollowUpText))
        {
            runs.Add(Run(kind, trigger, 2, due + followUp));
        }

        return runs.Where(r => r.DueAt >= now - StaleAfter).ToList();
    }

    /// <summary>Birthday runs are keyed by contact and year, so one greeting a year whatever rescans happen.</summary>
    public static string BirthdayKey(Guid contactId, int year) => $"{AutomationKind.Birthday}:{contactId}:{year}";

    private static PlannedRun Run(AutomationKind kind, AutomationTrigger t, int step, DateTimeOffset due) =>
        new(kind.Code, step, due, $"{kind.Code}:{t.EventId}:{step}");

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
