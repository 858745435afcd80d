namespace PhoneCrm.Domain.Requests;

/// <summary>
/// Counts legal deadlines on the Russian working-day calendar across years: the years the Admin entered, the product's
/// defaults for the rest. Terms run from the day after the event (Civil Code Art. 191).
/// </summary>
public sealed class WorkingDayCalendar(IEnumerable<YearCalendar>? enteredYears = null)
{
    private readonly Dictionary<int, YearCalendar> _years = (enteredYears ?? []).ToDictionary(y => y.Year);

    public YearCalendar Year(int year) => _years.TryGetValue(year, out var entered) ? entered : YearCalendar.RussianDefault(year);

    public bool IsWorkingDay(DateOnly day) => Year(day.Year).IsWorkingDay(day);

    /// <summary>The <paramref name="workingDays"/>-th working day after <paramref name="eventDay"/>.</summary>
    public DateOnly AddWorkingDays(DateOnly eventDay, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workingDays);
        var day = eventDay;
        for (var counted = 0; counted < workingDays;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day)) counted++;
        }

        return day;
    }

    /// <summary>Working days from the day after <paramref name="from"/> up to and including <paramref name="to"/>; 0 when <paramref name="to"/> is not later.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
            if (IsWorkingDay(day)) count++;
        return count;
    }
}
