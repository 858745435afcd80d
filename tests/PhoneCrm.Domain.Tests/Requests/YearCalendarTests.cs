using PhoneCrm.Domain.Requests;

namespace PhoneCrm.Domain.Tests.Requests;

public sealed class YearCalendarTests
{
    private static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    // 2026 by decree: January 1–11 and December 31 off; March 9 and May 11 replace the weekend March 8 and May 9.
    [InlineData("2026-01-09", false)]
    [InlineData("2026-01-12", true)]
    [InlineData("2026-02-23", false)]
    [InlineData("2026-03-09", false)]
    [InlineData("2026-05-08", true)]
    [InlineData("2026-05-11", false)]
    [InlineData("2026-06-12", false)]
    [InlineData("2026-11-04", false)]
    [InlineData("2026-12-30", true)]
    [InlineData("2026-12-31", false)]
    // 2027 without a decree: May 1 (Sat) → May 3, May 9 (Sun) → May 10, June 12 (Sat) → June 14; January's weekend
    // holidays are not moved automatically.
    [InlineData("2027-01-08", false)]
    [InlineData("2027-01-11", true)]
    [InlineData("2027-05-03", false)]
    [InlineData("2027-05-04", true)]
    [InlineData("2027-05-10", false)]
    [InlineData("2027-06-14", false)]
    [InlineData("2027-03-08", false)]
    [InlineData("2027-03-09", true)]
    public void Russian_defaults(string day, bool working) =>
        Assert.Equal(working, new WorkingDayCalendar().IsWorkingDay(D(day)));

    [Fact]
    public void Two_weekend_holidays_in_a_row_move_to_different_days()
    {
        // 2021: May 1 (Sat) and May 9 (Sun) — a year where both fall on weekends; the moves must not collide.
        var year = YearCalendar.RussianDefault(2021);

        Assert.Contains(D("2021-05-03"), year.Holidays);
        Assert.Contains(D("2021-05-10"), year.Holidays);
    }

    [Fact]
    public void Working_days_between_two_days()
    {
        var calendar = new WorkingDayCalendar();

        Assert.Equal(10, calendar.WorkingDaysBetween(D("2026-06-01"), D("2026-06-16")));
        Assert.Equal(0, calendar.WorkingDaysBetween(D("2026-06-16"), D("2026-06-01")));
    }

    [Fact]
    public void Validation_names_each_bad_date_by_list_and_position()
    {
        var problems = YearCalendar.Validate(2027, [D("2026-05-01"), D("2027-01-09")], [D("2027-01-09"), D("2027-01-12")]);

        Assert.Equal(
            [
                new CalendarProblem("holidays", 0, D("2026-05-01"), CalendarProblem.OutsideYear),
                new CalendarProblem("holidays", 1, D("2027-01-09"), CalendarProblem.InBothLists),
                new CalendarProblem("workingWeekends", 1, D("2027-01-12"), CalendarProblem.NotWeekend),
            ],
            problems);
        Assert.Equal("workingWeekends[1]", problems[2].Field);
        Assert.Empty(YearCalendar.Validate(2027, [.. YearCalendar.FixedHolidays(2027)], [D("2027-01-09")]));
    }
}
