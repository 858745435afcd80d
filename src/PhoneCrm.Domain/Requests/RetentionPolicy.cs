using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Events;

namespace PhoneCrm.Domain.Requests;

/// <summary>One purpose × channel of a person as the ledger's current state has it.</summary>
public sealed record RetentionPurposeFact(string Purpose, string Channel, string Status, string? LegalBasis, DateTimeOffset? WithdrawnAt,
    DateTimeOffset? ExpiresAt);

/// <summary>The person's latest order event, if any: an order not yet delivered is a contract still being performed.</summary>
public sealed record RetentionOrderFact(string Type, DateTimeOffset OccurredAt);

/// <summary>Everything the retention decision needs about one person, loaded in bulk by the retention service.</summary>
public sealed record RetentionFacts(Guid ContactId, IReadOnlyList<RetentionPurposeFact> Purposes, RetentionOrderFact? LastOrder);

public enum RetentionVerdict
{
    /// <summary>A basis remains: nothing to destroy.</summary>
    Keep,
    /// <summary>Every basis has ended; destruction is due on <see cref="RetentionDecision.DestroyFrom"/>.</summary>
    Pending,
    /// <summary>Every basis has ended and the day has come: destroy now.</summary>
    Destroy,
}

/// <summary>
/// Why a person is kept or destroyed. <see cref="Reason"/> is a wire code (<see cref="RetentionReasons"/>); for a
/// destruction, <see cref="Purpose"/> and <see cref="EndedAt"/> name the purpose that ended last, and
/// <see cref="DestroyBy"/> is the legal deadline the job acts before.
/// </summary>
public sealed record RetentionDecision(Guid ContactId, RetentionVerdict Verdict, string Reason, string? Purpose, DateTimeOffset? EndedAt,
    DateTimeOffset? DestroyFrom, DateTimeOffset? DestroyBy);

public static class RetentionReasons
{
    public const string ActiveConsent = "active_consent";
    public const string OtherBasis = "other_basis";
    public const string OpenOrder = "open_order";
    public const string NoPurposes = "no_purposes";
    public const string Withdrawn = "withdrawn";
    public const string Expired = "expired";
}

/// <summary>
/// 152-FZ Art. 21 p.4–5 as one pure decision: a person's data is destroyed once, for every purpose they are held for,
/// the consent was withdrawn or expired (the purpose achieved) and no other legal basis remains — an active
/// non-consent basis (contract, request, booking, legitimate interest) or an order still being fulfilled keeps them.
/// Destruction is due within <see cref="AccessReport.DestructionDays"/> of the last end, or sooner when the purpose's
/// rule says so; a daily job acts <see cref="RunMargin"/> before that deadline so its timing never makes it late.
/// People with no purpose in the ledger at all (an imported base) are not this rule's to judge: kept.
/// </summary>
public static class RetentionPolicy
{
    /// <summary>One run of the daily job: destruction starts this long before the deadline.</summary>
    public static readonly TimeSpan RunMargin = TimeSpan.FromDays(1);

    /// <summary>An order event this recent that is not a delivery is a contract being performed.</summary>
    public const int OpenOrderDays = 90;

    /// <summary>
    /// Days within which a purpose's data is destroyed after it ends: the purpose's own term when shorter, never longer
    /// than the law's 30 days.
    /// </summary>
    public static int DestructionDays(int? purposeRetentionDays) =>
        purposeRetentionDays is { } d && d >= 0 && d < AccessReport.DestructionDays ? d : AccessReport.DestructionDays;

    /// <param name="retentionDays">Per purpose code, the tenant's shorter destruction term (absent: the legal 30 days).</param>
    public static RetentionDecision Decide(RetentionFacts facts, IReadOnlyDictionary<string, int?> retentionDays, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(retentionDays);
        var id = facts.ContactId;
        if (facts.Purposes.Count == 0) return new(id, RetentionVerdict.Keep, RetentionReasons.NoPurposes, null, null, null, null);

        var live = facts.Purposes.Where(p => ConsentStatus.At(p.Status, p.ExpiresAt, now) == ConsentStatus.Active).ToList();
        if (live.FirstOrDefault(p => p.LegalBasis is not null and not "consent") is { } other)
            return new(id, RetentionVerdict.Keep, RetentionReasons.OtherBasis, other.Purpose, null, null, null);
        if (live.Count > 0) return new(id, RetentionVerdict.Keep, RetentionReasons.ActiveConsent, live[0].Purpose, null, null, null);
        if (facts.LastOrder is { } order && order.Type != EventTypes.OrderDelivered && EventTypes.IsOrder(order.Type)
            && order.OccurredAt > now.AddDays(-OpenOrderDays))
            return new(id, RetentionVerdict.Keep, RetentionReasons.OpenOrder, null, null, null, null);

        // Every purpose has ended: the one whose deadline comes last decides when the person goes.
        var last = facts.Purposes
            .Select(p =>
            {
                var withdrawn = p.Status == ConsentStatus.Withdrawn;
                var endedAt = (withdrawn ? p.WithdrawnAt : p.ExpiresAt) ?? p.ExpiresAt ?? p.WithdrawnAt ?? now;
                retentionDays.TryGetValue(p.Purpose, out var days);
                return (p.Purpose, Reason: withdrawn ? RetentionReasons.Withdrawn : RetentionReasons.Expired, EndedAt: endedAt,
                    DestroyBy: endedAt.AddDays(DestructionDays(days)));
            })
            .OrderByDescending(p => p.DestroyBy).ThenByDescending(p => p.EndedAt).First();
        var destroyFrom = last.DestroyBy - RunMargin;
        var verdict = now >= destroyFrom ? RetentionVerdict.Destroy : RetentionVerdict.Pending;
        return new(id, verdict, last.Reason, last.Purpose, last.EndedAt, destroyFrom, last.DestroyBy);
    }
}

public static class RetentionRunStatus
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>
/// One run of the retention job for a tenant: when, how long, how many people it looked at and destroyed, the acts it
/// made. <see cref="Cursor"/> is the last contact examined, so a run cut short resumes after it.
/// </summary>
public sealed class RetentionRun : PhoneCrm.Domain.Tenancy.ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string Status { get; set; } = RetentionRunStatus.Running;
    public int Examined { get; set; }
    public int Destroyed { get; set; }
    public int Failed { get; set; }
    public Guid? Cursor { get; set; }
    public List<Guid> ActIds { get; set; } = [];
    public string? Error { get; set; }

    public TimeSpan? Duration => FinishedAt is { } f ? f - StartedAt : null;
}
