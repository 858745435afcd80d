using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Time;

namespace PhoneCrm.Domain.Messaging;

/// <summary>What is being sent: the consent purpose, the category (caps) and the kind (campaign, automation, test).</summary>
/// <param name="Urgent">Transactional only (codes): may be sent during quiet hours.</param>
public sealed record SendIntent(string Purpose, string Category, string Kind, bool Urgent = false)
{
    public const string Channel = "sms";

    /// <summary>
    /// The channel whose consent is looked for: <see cref="Channel"/> for every SMS, <c>voice</c> for a survey call. A call
    /// reaches landlines too, so only SMS skips the numbers that cannot take a message.
    /// </summary>
    public string ConsentChannel { get; init; } = Channel;

    public bool IsMarketing => Category != SmsCategories.Transactional;

    /// <summary>The kinds that answer what the recipient has just done themselves (a code they asked for on a form or by
    /// SMS, the steps of their number change, the confirmation of their STOP, the answers to their data-subject request,
    /// a staff member's reply to the SMS they wrote).</summary>
    public static readonly IReadOnlySet<string> AnswerKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        SmsKinds.ConsentCode, SmsKinds.NumberChange, SmsKinds.OptOutConfirmation, SmsKinds.SubjectRequestCode, SmsKinds.SubjectRequestNotice, SmsKinds.Reply,
    };

    /// <summary>
    /// An answer to the recipient's own action: transactional and urgent (the person is waiting for it, at night too). The
    /// action is its basis, so no consent is looked for; erasure, the phone and a suppression of everything still stop it.
    /// </summary>
    public static SendIntent Answer(string kind) => AnswerKinds.Contains(kind)
        ? new SendIntent(ConsentTerms.Transactional, SmsCategories.Transactional, kind, Urgent: true)
        : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an answer to the recipient's own action.");

    /// <summary>A transactional answer to the recipient's own action: sent without looking for consent.</summary>
    public bool AnswersRecipient => AnswerKinds.Contains(Kind) && !IsMarketing;
}

/// <summary>
/// Everything the policy needs to know about one recipient at decision time, loaded in bulk by the infrastructure.
/// Counts are of messages already queued or sent to the contact (failed ones excluded), over rolling windows.
/// </summary>
public sealed record RecipientFacts(
    Guid ContactId,
    string Status,
    string PhoneType,
    string TimeZone,
    string? MarketingFrequency,
    bool HasConsent,
    string? SuppressionScope,
    int SentLastDay,
    int InformationalLastWeek,
    int PromotionalLastMonth,
    int MarketingLastWeek,
    int MarketingLastMonth,
    bool Unengaged = false);

public enum SendOutcome
{
    Send,
    Skip,
    Defer,
}

public sealed record SendDecision(SendOutcome Outcome, string? Reason, DateTimeOffset? DeferredUntil)
{
    public static readonly SendDecision Send = new(SendOutcome.Send, null, null);

    public static SendDecision Skip(string reason) => new(SendOutcome.Skip, reason, null);

    public static SendDecision Defer(DateTimeOffset until) => new(SendOutcome.Defer, SendReasons.QuietHours, until);
}

/// <summary>Wire names of api-v1 (<c>recipients[].reason</c>, <c>stats.skipped</c>).</summary>
public static class SendReasons
{
    public const string NoConsent = "noConsent";
    public const string Suppressed = "suppressed";
    public const string FrequencyCap = "frequencyCap";
    public const string QuietHours = "quietHours";
    public const string InvalidPhone = "invalidPhone";
    public const string Erased = "erased";
    /// <summary>Marketing stopped: the person left <c>Hygiene:UnansweredLimit</c> marketing messages unanswered (api-v1 "Engagement").</summary>
    public const string Unengaged = "unengaged";

    /// <summary>Reasons that skip a recipient for good (quiet hours only defers).</summary>
    public static readonly IReadOnlyList<string> Skips = [NoConsent, Suppressed, FrequencyCap, InvalidPhone, Erased, Unengaged];
}

/// <summary>
/// The one send policy (PRODUCT.md §2.4) for every SMS — campaigns, automations, test sends — and for survey calls (voice), and the answers to a person's
/// own action (<see cref="SendIntent.Answer"/>: consent codes, number-change messages, STOP confirmations). Pure: facts in, decision out.
/// Checks in order: erased → invalid phone → suppressed → consent (purpose + SMS, active and unexpired now) →
/// unengaged (marketing only: too many marketing messages unanswered since the last engagement) → caps (marketing only: per day overall, informational per week, promotional per month, the contact's own
/// weekly/monthly preference) → window in the recipient's local time. Outside the window the message is deferred to
/// the next window start, never dropped. Transactional ignores caps and ignores quiet hours only when urgent.
/// Test sends go to team numbers: only erasure, phone and suppression apply.
/// </summary>
public static class SendPolicy
{
    private static readonly HashSet<string> _noSms =
    [
        PhoneTypes.FixedLine, PhoneTypes.TollFree, PhoneTypes.PremiumRate, PhoneTypes.SharedCost, PhoneTypes.Uan,
        PhoneTypes.Voicemail, PhoneTypes.Pager,
    ];

    /// <summary>Numbers that cannot receive SMS (landlines, service numbers).</summary>
    public static IReadOnlyCollection<string> NonSmsPhoneTypes => _noSms;

    public static SendDecision Decide(SendIntent intent, RecipientFacts facts, SendingSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(intent);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(settings);

        if (facts.Status == ContactStatus.Erased) return SendDecision.Skip(SendReasons.Erased);
        if (facts.Status == ContactStatus.Unreachable || (intent.ConsentChannel == SendIntent.Channel && _noSms.Contains(facts.PhoneType)))
            return SendDecision.Skip(SendReasons.InvalidPhone);
        if (facts.SuppressionScope == SuppressionScopes.All || (facts.SuppressionScope == SuppressionScopes.Marketing && intent.IsMarketing))
            return SendDecision.Skip(SendReasons.Suppressed);
        if (intent.Kind == SmsKinds.Test) return SendDecision.Send;
        if (!facts.HasConsent && !intent.AnswersRecipient) return SendDecision.Skip(SendReasons.NoConsent);

        if (intent.IsMarketing && facts.Unengaged) return SendDecision.Skip(SendReasons.Unengaged);
        if (intent.IsMarketing && OverCap(intent, facts, settings.Caps)) return SendDecision.Skip(SendReasons.FrequencyCap);
        // A re-consent request is transactional but unasked-for: it keeps within the day's total.
        if (intent.Kind == SmsKinds.Reconsent && facts.SentLastDay >= settings.Caps.PerDay) return SendDecision.Skip(SendReasons.FrequencyCap);

        if (intent.Urgent && !intent.IsMarketing) return SendDecision.Send;
        var zone = Zone(facts.TimeZone, settings.TimeZone);
        var window = intent.IsMarketing ? settings.Window : settings.Window with { Days = AllDays };
        var next = NextAllowed(window, zone, now);
        return next <= now ? SendDecision.Send : SendDecision.Defer(next);
    }

    private static readonly IReadOnlySet<DayOfWeek> AllDays = Enum.GetValues<DayOfWeek>().ToHashSet();

    private static bool OverCap(SendIntent intent, RecipientFacts f, SendCaps caps)
    {
        if (f.SentLastDay >= caps.PerDay) return true;
        if (intent.Category == SmsCategories.Informational && f.InformationalLastWeek >= caps.InformationalPerWeek) return true;
        if (intent.Category == SmsCategories.Promotional && f.PromotionalLastMonth >= caps.PromotionalPerMonth) return true;
        return f.MarketingFrequency switch
        {
            MarketingFrequency.Weekly => f.MarketingLastWeek >= 1,
            MarketingFrequency.Monthly => f.MarketingLastMonth >= 1,
            _ => false,
        };
    }

    public static TimeZoneInfo Zone(string? contactZone, string? tenantZone) =>
        contactZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(contactZone, out var z) ? z
        : tenantZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(tenantZone, out var t) ? t
        : TimeZoneInfo.Utc;

    /// <summary><paramref name="now"/> when it is inside the window, else the start of the next window (UTC).</summary>
    public static DateTimeOffset NextAllowed(SendWindow window, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Days.Count == 0) return DateTimeOffset.MaxValue;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var date = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        if (IsInside(window, date, time)) return now;

        for (var d = 0; d <= 8; d++)
        {
            var day = date.AddDays(d);
            if (!window.Days.Contains(day.DayOfWeek)) continue;
            var start = day.ToDateTime(window.From);
            if (start <= local.DateTime) continue;
            return WallClock.ToUtc(start, zone);
        }

        return DateTimeOffset.MaxValue;
    }

    private static bool IsInside(SendWindow w, DateOnly date, TimeOnly time)
    {
        if (w.From == w.To) return w.Days.Contains(date.DayOfWeek);
        if (w.From < w.To) return w.Days.Contains(date.DayOfWeek) && time >= w.From && time < w.To;
        // Across midnight: the evening part belongs to today's window, the morning part to yesterday's.
        return (time >= w.From && w.Days.Contains(date.DayOfWeek)) || (time < w.To && w.Days.Contains(date.AddDays(-1).DayOfWeek));
    }
}
