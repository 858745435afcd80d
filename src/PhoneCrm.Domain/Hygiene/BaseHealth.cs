using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Hygiene;

/// <summary>
/// The base's health in one month (PRODUCT.md §2.6): of the contacts not erased, how many are valid (active), unreachable,
/// unengaged (marketing stopped for unanswered messages) and without marketing consent. Recorded by <c>hygiene-engagement</c>
/// (the current month's row is rewritten by each run), read as the 12-month trend.
/// </summary>
public sealed class BaseHealthSnapshot : ITenantOwned
{
    public Guid TenantId { get; set; }
    /// <summary>The first day of the month (UTC).</summary>
    public DateOnly Month { get; set; }
    public int Total { get; set; }
    public int Valid { get; set; }
    public int Unreachable { get; set; }
    public int Unengaged { get; set; }
    public int Unconsented { get; set; }
    public DateTimeOffset TakenAt { get; set; }

    public static double Share(int part, int total) => total == 0 ? 0 : (double)part / total;
}

/// <summary>The rules of base hygiene (api-v1 "Hygiene jobs", "Engagement") that are not SQL.</summary>
public static class HygieneRules
{
    /// <summary>Failures on this many different local days…</summary>
    public const int FailedDays = 3;
    /// <summary>…within this many days make a number unreachable.</summary>
    public const int FailedWindowDays = 30;
    /// <summary>No engagement for this long: the "reactivation" segment.</summary>
    public const int ReactivationMonths = 9;
    /// <summary>No engagement for this long: re-verify before important campaigns.</summary>
    public const int ReverificationMonths = 18;
    public const int DefaultUnansweredLimit = 6;
    public const string ReactivationSegmentName = "Реактивация (нет реакции 9 месяцев)";
}
