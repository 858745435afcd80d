namespace PhoneCrm.Domain.Requests;

public static class SubjectRequestTypes
{
    public const string Access = "access";
    public const string WithdrawAll = "withdraw_all";
    public const string Rectify = "rectify";
    public const string Erasure = "erasure";

    public static readonly IReadOnlyList<string> All = [Access, WithdrawAll, Rectify, Erasure];
}

/// <summary>A legal term: so many working days, or so many calendar days.</summary>
public readonly record struct RequestTerm(int Days, bool WorkingDays);

/// <summary>
/// 152-FZ deadlines for data-subject requests (PRODUCT.md §4.1, api-v1.md "Data-subject requests"): access 10 working
/// days (extendable once by 5 with a reasoned notice), rectification 7 working days, erasure and withdrawal of all
/// consents 30 calendar days. A tenant may promise shorter terms, never longer. The request is due at the end of the
/// last allowed day in the tenant's zone, counted from the day after it was received.
/// </summary>
public static class RequestDeadlines
{
    public const int AccessExtensionWorkingDays = 5;

    public static RequestTerm LegalTerm(string type) => type switch
    {
        SubjectRequestTypes.Access => new(10, WorkingDays: true),
        SubjectRequestTypes.Rectify => new(7, WorkingDays: true),
        SubjectRequestTypes.Erasure or SubjectRequestTypes.WithdrawAll => new(30, WorkingDays: false),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown request type."),
    };

    /// <summary>The legal term, or the tenant's promise when it is shorter (a longer promise is ignored).</summary>
    public static RequestTerm Term(string type, int? promisedDays = null)
    {
        var legal = LegalTerm(type);
        return promisedDays is int p && p > 0 && p < legal.Days ? legal with { Days = p } : legal;
    }

    public static DateOnly LastDay(RequestTerm term, DateOnly receivedDay, WorkingDayCalendar calendar) =>
        term.WorkingDays ? calendar.AddWorkingDays(receivedDay, term.Days) : receivedDay.AddDays(term.Days);

    /// <summary>The instant the request becomes overdue: 23:59:59 of the last allowed day in <paramref name="zone"/>.</summary>
    public static DateTimeOffset DueAt(string type, DateTimeOffset receivedAt, TimeZoneInfo zone, WorkingDayCalendar calendar,
        int? promisedDays = null)
    {
        var receivedDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(receivedAt, zone).DateTime);
        return EndOfDay(LastDay(Term(type, promisedDays), receivedDay, calendar), zone);
    }

    /// <summary>An access request extended once by 5 working days from its current last day.</summary>
    public static DateTimeOffset ExtendedDueAt(DateTimeOffset dueAt, TimeZoneInfo zone, WorkingDayCalendar calendar)
    {
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(dueAt, zone).DateTime);
        return EndOfDay(calendar.AddWorkingDays(lastDay, AccessExtensionWorkingDays), zone);
    }

    private static DateTimeOffset EndOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(new TimeOnly(23, 59, 59));
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
