using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Requests;

/// <summary>
/// A personal-data breach as the compliance officer recorded it (152-FZ Art. 21 p.3.1): what happened, when it was
/// detected and when it happened, which data and how many people, what was done, and the two notices to Roskomnadzor
/// whose clocks run from detection (<see cref="BreachClocks"/>).
/// </summary>
public sealed class BreachIncident : ITenantOwned
{
    public const int TextMax = 4000;
    public const int ShortMax = 300;

    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Per tenant and year, <c>INC-2026-001</c>: what the officer and Roskomnadzor's correspondence quote.</summary>
    public required string Number { get; set; }
    public required string Description { get; set; }
    /// <summary>When the operator learned of it: both clocks start here.</summary>
    public DateTimeOffset DetectedAt { get; set; }
    /// <summary>When it happened, if known.</summary>
    public DateTimeOffset? OccurredAt { get; set; }
    /// <summary>Codes of <see cref="BreachTerms.DataCategories"/>.</summary>
    public List<string> Categories { get; set; } = [];
    /// <summary>How many people's data was affected (an estimate until the investigation ends).</summary>
    public int SubjectsAffected { get; set; }
    public string? PresumedCause { get; set; }
    public string? Harm { get; set; }
    public required string Measures { get; set; }
    /// <summary>The person the operator authorised to deal with Roskomnadzor about this incident.</summary>
    public required string ContactPerson { get; set; }
    /// <summary>The internal investigation's findings: the body of the 72-hour notice.</summary>
    public string? InvestigationResults { get; set; }
    /// <summary>Who caused it, if the investigation found out.</summary>
    public string? Culprits { get; set; }
    public required string RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? InitialNoticeSentAt { get; set; }
    public DateTimeOffset? ResultsNoticeSentAt { get; set; }

    public DateTimeOffset? SentAt(BreachNotice notice) => notice == BreachNotice.Initial ? InitialNoticeSentAt : ResultsNoticeSentAt;

    public BreachClock Clock(BreachNotice notice, DateTimeOffset now) => BreachClocks.Of(notice, DetectedAt, SentAt(notice), now);

    public IReadOnlyList<BreachClock> Clocks(DateTimeOffset now) => [Clock(BreachNotice.Initial, now), Clock(BreachNotice.Results, now)];

    /// <summary>Open while a notice is still to be sent.</summary>
    public bool IsOpen => InitialNoticeSentAt is null || ResultsNoticeSentAt is null;

    /// <summary>The clock that runs out first among the notices not yet sent; null when both were sent.</summary>
    public BreachClock? NextClock(DateTimeOffset now) =>
        Clocks(now).Where(c => c.SentAt is null).OrderBy(c => c.DueAt).Cast<BreachClock?>().FirstOrDefault();
}

public enum BreachNotice
{
    /// <summary>Within 24 hours of detection: the incident, its presumed causes and harm, measures, the contact person.</summary>
    Initial,
    /// <summary>Within 72 hours of detection: the results of the internal investigation and who caused it.</summary>
    Results,
}

public enum BreachClockState
{
    /// <summary>Not sent, more than <see cref="BreachClocks.Warning"/> left.</summary>
    Running,
    /// <summary>Not sent, due within <see cref="BreachClocks.Warning"/>.</summary>
    DueSoon,
    Overdue,
    SentOnTime,
    SentLate,
}

/// <summary>One notice's clock at a moment: when it is due, whether it was sent, and how much time is left (negative when overdue).</summary>
public readonly record struct BreachClock(BreachNotice Notice, DateTimeOffset DueAt, DateTimeOffset? SentAt, BreachClockState State, TimeSpan Left)
{
    public bool NeedsAttention => State is BreachClockState.DueSoon or BreachClockState.Overdue;
}

/// <summary>The Roskomnadzor notice deadlines of 152-FZ Art. 21 p.3.1, both counted from detection.</summary>
public static class BreachClocks
{
    public static readonly TimeSpan InitialTerm = TimeSpan.FromHours(24);
    public static readonly TimeSpan ResultsTerm = TimeSpan.FromHours(72);
    /// <summary>How early a running clock turns amber: a quarter of the 24-hour term leaves a working shift to act.</summary>
    public static readonly TimeSpan Warning = TimeSpan.FromHours(6);

    public static TimeSpan Term(BreachNotice notice) => notice == BreachNotice.Initial ? InitialTerm : ResultsTerm;

    public static DateTimeOffset DueAt(BreachNotice notice, DateTimeOffset detectedAt) => detectedAt.ToUniversalTime() + Term(notice);

    public static BreachClock Of(BreachNotice notice, DateTimeOffset detectedAt, DateTimeOffset? sentAt, DateTimeOffset now)
    {
        var due = DueAt(notice, detectedAt);
        if (sentAt is { } sent)
            return new(notice, due, sent, sent <= due ? BreachClockState.SentOnTime : BreachClockState.SentLate, due - sent);
        var left = due - now;
        var state = left <= TimeSpan.Zero ? BreachClockState.Overdue : left <= Warning ? BreachClockState.DueSoon : BreachClockState.Running;
        return new(notice, due, null, state, left);
    }

    /// <summary>The notice's wire name: <c>initial</c> or <c>results</c>.</summary>
    public static string Code(BreachNotice notice) => notice == BreachNotice.Initial ? "initial" : "results";

    public static BreachNotice? ParseNotice(string? code) => code switch
    {
        "initial" => BreachNotice.Initial,
        "results" => BreachNotice.Results,
        _ => null,
    };

    /// <summary>The incident number: <c>INC-{year}-{sequence:000}</c>.</summary>
    public static string Number(int year, int sequence) =>
        NumberPrefix(year) + sequence.ToString("000", System.Globalization.CultureInfo.InvariantCulture);

    public static string NumberPrefix(int year) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"INC-{year:0000}-");
}

/// <summary>Wire names for the breach register.</summary>
public static class BreachTerms
{
    /// <summary>The categories of data the product holds, in the order the form offers them.</summary>
    public static readonly IReadOnlyList<string> DataCategories =
        ["phone", "name", "email", "birth_date", "address", "consents", "messages", "events", "orders", "other"];
}
