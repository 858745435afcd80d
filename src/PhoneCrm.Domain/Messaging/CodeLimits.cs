using PhoneCrm.Domain.Contacts;

namespace PhoneCrm.Domain.Messaging;

/// <summary>A code an anonymous visitor made us send (a capture form's consent code, a self-service request's code).</summary>
public interface ICodeChallenge
{
    byte[] PhoneIndex { get; }
    DateTimeOffset CreatedAt { get; }
}

/// <summary>
/// The one rule against SMS pumping through public pages (api-v1 "Capture forms"): a code goes only to a mobile number of
/// the tenant's allowed regions, at most <see cref="PerNumber"/> per number and <see cref="DailyBudget"/> per tenant in any
/// 24 hours. Beyond either the visitor waits (429 with <c>Retry-After</c>) and nothing is sent. The send policy (erased,
/// suppressed, no SMS) still decides every code that passes.
/// </summary>
public sealed record CodeLimits(int PerNumber, int DailyBudget)
{
    public const int DefaultPerNumber = 3;
    public const int DefaultDailyBudget = 300;
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);
    public static readonly IReadOnlyList<string> DefaultRegions = ["RU"];

    /// <summary>A number that may be sent a code at all: mobile (an SMS arrives) and of a region the tenant serves.</summary>
    public static bool MayReceiveCode(NormalizedPhone phone, IReadOnlyCollection<string> regions) =>
        phone.IsMobile && regions.Contains(phone.Region, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How long to wait before one more code may be sent, or null when it may go now.
    /// </summary>
    /// <param name="numberRecent">When the codes to this number in the last <see cref="Window"/> were made, oldest first.</param>
    /// <param name="budgetOldest">The oldest of the tenant's last <see cref="DailyBudget"/> codes when that many fall in the window, else null.</param>
    public TimeSpan? RetryAfter(IReadOnlyList<DateTimeOffset> numberRecent, DateTimeOffset? budgetOldest, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(numberRecent);
        var waits = new List<TimeSpan>();
        if (numberRecent.Count >= PerNumber) waits.Add(numberRecent[numberRecent.Count - PerNumber] + Window - now);
        if (DailyBudget <= 0) waits.Add(Window);
        else if (budgetOldest is { } oldest) waits.Add(oldest + Window - now);
        return waits.Count == 0 ? null : waits.Max() is var w && w > TimeSpan.Zero ? w : TimeSpan.FromSeconds(1);
    }
}
