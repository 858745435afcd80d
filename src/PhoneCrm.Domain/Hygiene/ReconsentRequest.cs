using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Hygiene;

/// <summary>
/// One re-consent cycle of one marketing SMS consent (PRODUCT §2.6): the grant it asks about (<see cref="ConsentRecordId"/>,
/// unique — so one cycle, one SMS), the short link in the SMS, when it went out, and how it ended: confirmed (a fresh grant
/// in the ledger) or excluded (withdrawn through the ledger when the grace period passed without an answer).
/// </summary>
public sealed class ReconsentRequest : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ContactId { get; set; }
    /// <summary>The ledger's grant being renewed: the marketing SMS state's last record when the cycle opened.</summary>
    public Guid ConsentRecordId { get; set; }
    /// <summary>The short link (<c>/r/{code}</c>) to the person's preferences page, where the consent is confirmed.</summary>
    public required string LinkCode { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? MessageId { get; set; }
    /// <summary>When the SMS was queued; the grace period counts from here.</summary>
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset? ExcludedAt { get; set; }
}

/// <summary>
/// When a marketing consent is due for re-consent, when an unanswered request lapses, and how many requests a tenant
/// opens a day (<c>Hygiene:Reconsent*</c>). The daily limit spreads the first wave — every consent older than the
/// cycle, the day the job first runs — over days: its SMS cost and the provider's load come in steady portions, and
/// each run stays bounded (the steady need is about the marketing base / 180 a day).
/// </summary>
public sealed record ReconsentRules(int Months = ReconsentRules.DefaultMonths, int GraceDays = ReconsentRules.DefaultGraceDays,
    int DailyLimit = ReconsentRules.DefaultDailyLimit)
{
    public const int DefaultMonths = 6;
    public const int DefaultGraceDays = 30;
    public const int DefaultDailyLimit = 20_000;

    /// <summary>How many more requests may open now, given those opened in the last 24 hours.</summary>
    public int RemainingToday(int openedInLastDay) => Math.Max(0, DailyLimit - openedInLastDay);

    /// <summary>Consents granted at or before this moment are asked again.</summary>
    public DateTimeOffset DueIfGrantedBy(DateTimeOffset now) => now.AddMonths(-Math.Max(1, Months));

    /// <summary>Requests sent at or before this moment and still unanswered exclude the person from marketing.</summary>
    public DateTimeOffset LapsedIfSentBy(DateTimeOffset now) => now.AddDays(-Math.Max(1, GraceDays));
}
