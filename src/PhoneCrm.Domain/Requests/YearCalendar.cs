namespace PhoneCrm.Domain.Requests;

/// <summary>
/// One year of the Russian production calendar: the days off besides ordinary weekends (<see cref="Holidays"/>, which
/// include days moved by decree) and the Saturdays or Sundays made working (<see cref="WorkingWeekends"/>). A year the
/// Admin has not entered falls back to <see cref="RussianDefault"/>.
/// </summary>
public sealed record YearCalendar
{
    public YearCalendar(int year, IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> workingWeekends)
    {
        Year = year;
        Holidays = holidays.ToHashSet();
        WorkingWeekends = workingWeekends.ToHashSet();
    }

    public int Year { get; }
    public IReadOnlySet<DateOnly> Holidays { get; }
    public IReadOnlySet<DateOnly> WorkingWeekends { get; }

    public bool IsWorkingDay(DateOnly day) =>
        WorkingWeekends.Contains(day) || (!Holidays.Contains(day) && !IsWeekend(day));

    public static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    /// <summary>What is wrong with an entered year's lists, empty when nothing.</summary>
    public static IReadOnlyList<CalendarProblem> Validate(int year, IReadOnlyList<DateOnly> holidays, IReadOnlyList<DateOnly> workingWeekends)
    {
        var problems = new List<CalendarProblem>();
        for (var i = 0; i < holidays.Count; i++)
        {
            if (holidays[i].Year != year) problems.Add(new(CalendarList.Holidays, i, holidays[i], CalendarProblem.OutsideYear));
            else if (workingWeekends.Contains(holidays[i])) problems.Add(new(CalendarList.Holidays, i, holidays[i], CalendarProblem.InBothLists));
        }

        for (var i = 0; i < workingWeekends.Count; i++)
        {
            if (workingWeekends[i].Year != year) problems.Add(new(CalendarList.WorkingWeekends, i, workingWeekends[i], CalendarProblem.OutsideYear));
            else if (!IsWeekend(workingWeekends[i])) problems.Add(new(CalendarList.WorkingWeekends, i, workingWeekends[i], CalendarProblem.NotWeekend));
        }

        return problems;
    }

    /// <summary>
    /// Labour Code Art. 112 without a decree: the non-working holidays, and each non-January holiday that falls on a
    /// weekend moved to the next working day (January's are moved only by decree, so they are not moved here). Years
    /// with a known decree (<see cref="Decrees"/>) take it instead of the automatic moves.
    /// </summary>
    public static YearCalendar RussianDefault(int year)
    {
        if (Decrees.TryGetValue(year, out var decreed)) return decreed;
        var holidays = FixedHolidays(year).ToHashSet();
        foreach (var holiday in FixedHolidays(year).Where(d => d.Month != 1 && IsWeekend(d)).Order())
        {
            var moved = holiday.AddDays(1);
            while (IsWeekend(moved) || holidays.Contains(moved)) moved = moved.AddDays(1);
            holidays.Add(moved);
        }

        return new YearCalendar(year, holidays, []);
    }

    /// <summary>Art. 112 p.1: January 1–8 (New Year holidays and Christmas), February 23, March 8, May 1, May 9, June 12, November 4.</summary>
    public static IEnumerable<DateOnly> FixedHolidays(int year)
    {
        for (var day = 1; day <= 8; day++) yield return new DateOnly(year, 1, day);
        yield return new DateOnly(year, 2, 23);
        yield return new DateOnly(year, 3, 8);
        yield return new DateOnly(year, 5, 1);
        yield return new DateOnly(year, 5, 9);
        yield return new DateOnly(year, 6, 12);
        yield return new DateOnly(year, 11, 4);
    }

    /// <summary>
    /// Years whose government decree is known to the product (PRODUCT.md §4.1). 2026: Saturday January 3 → Friday
    /// January 9, Sunday January 4 → Thursday December 31; March 8 (Sunday) → March 9 and May 9 (Saturday) → May 11 by
    /// Art. 112 itself. Later years are entered by the Admin.
    /// </summary>
    private static readonly Dictionary<int, YearCalendar> Decrees = new()
    {
        [2026] = new YearCalendar(2026,
            [.. FixedHolidays(2026), new(2026, 1, 9), new(2026, 12, 31), new(2026, 3, 9), new(2026, 5, 11)],
            []),
    };
}

public static class CalendarList
{
    public const string Holidays = "holidays";
    public const string WorkingWeekends = "workingWeekends";
}

/// <summary>One refused date of an entered year: which list, its position there, and why (a message that is also a localisation key).</summary>
public sealed record CalendarProblem(string List, int Index, DateOnly Day, string Message)
{
    public const string OutsideYear = "The date is not in this year.";
    public const string InBothLists = "The date is listed both as a day off and as a working day.";
    public const string NotWeekend = "The date is not a Saturday or Sunday.";
    public const string NotADate = "Not a date: use YYYY-MM-DD or DD.MM.YYYY.";

    public string Field => $"{List}[{Index}]";
}
