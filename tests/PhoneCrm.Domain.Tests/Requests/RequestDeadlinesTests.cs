using PhoneCrm.Domain.Requests;

namespace PhoneCrm.Domain.Tests.Requests;

public sealed class RequestDeadlinesTests
{
    private static readonly TimeZoneInfo _moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");
    private static readonly TimeZoneInfo _vladivostok = TimeZoneInfo.FindSystemTimeZoneById("Asia/Vladivostok");
    private static readonly WorkingDayCalendar _defaults = new();

    private static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    // Received (Moscow time), type, last allowed day — each worked out by hand on the 2026 decree and Art. 112.
    [Theory]
    [InlineData("2026-06-01T10:00:00+03:00", "access", "2026-06-16")] // api-v1.md's example: June 12 is a holiday
    [InlineData("2026-12-25T12:00:00+03:00", "access", "2027-01-19")] // Dec 31, 2026 (decree) and Jan 1–8, 2027 off
    [InlineData("2026-01-02T09:00:00+03:00", "access", "2026-01-23")] // Jan 1–11, 2026 off: counting starts Jan 12
    [InlineData("2026-04-30T18:00:00+03:00", "rectify", "2026-05-13")] // May 1 and May 11 (May 9's transfer) off
    [InlineData("2026-03-06T10:00:00+03:00", "rectify", "2026-03-18")] // March 9 off (March 8 fell on a Sunday)
    [InlineData("2026-12-20T10:00:00+03:00", "erasure", "2027-01-19")] // 30 calendar days, holidays count
    [InlineData("2026-02-27T10:00:00+03:00", "withdraw_all", "2026-03-29")]
    [InlineData("2026-06-01T23:30:00+03:00", "access", "2026-06-16")] // late evening is still June 1 in Moscow
    public void Due_at_the_end_of_the_last_allowed_day_in_the_tenants_zone(string receivedAt, string type, string lastDay)
    {
        var due = RequestDeadlines.DueAt(type, DateTimeOffset.Parse(receivedAt, System.Globalization.CultureInfo.InvariantCulture), _moscow, _defaults);

        Assert.Equal(new DateTimeOffset(D(lastDay).ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.FromHours(3)), due);
        Assert.Equal(TimeSpan.Zero, due.Offset);
    }

    [Fact]
    public void The_received_day_is_the_tenants_day_not_the_servers()
    {
        // 20:00 UTC on June 1 is already 06:00 on June 2 in Vladivostok: counting starts on June 3.
        var due = RequestDeadlines.DueAt("access", new DateTimeOffset(2026, 6, 1, 20, 0, 0, TimeSpan.Zero), _vladivostok, _defaults);

        Assert.Equal(new DateTimeOffset(2026, 6, 17, 23, 59, 59, TimeSpan.FromHours(10)), due);
    }

    [Theory]
    [InlineData(5, "2026-06-08")]
    [InlineData(20, "2026-06-16")] // a longer promise never extends the legal term
    [InlineData(null, "2026-06-16")]
    public void A_tenant_may_promise_a_shorter_term_only(int? promised, string lastDay)
    {
        var due = RequestDeadlines.DueAt("access", new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.FromHours(3)), _moscow, _defaults, promised);

        Assert.Equal(D(lastDay), DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(due, _moscow).DateTime));
    }

    [Fact]
    public void An_access_request_is_extended_by_five_working_days_from_its_last_day()
    {
        var due = RequestDeadlines.DueAt("access", new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.FromHours(3)), _moscow, _defaults);

        var extended = RequestDeadlines.ExtendedDueAt(due, _moscow, _defaults);

        Assert.Equal(new DateTimeOffset(2026, 6, 23, 23, 59, 59, TimeSpan.FromHours(3)), extended);
    }

    [Fact]
    public void An_entered_year_replaces_the_defaults()
    {
        // An Admin enters 2027 with a working Saturday, January 9, and December 31 off.
        var year2027 = new YearCalendar(2027, [.. YearCalendar.FixedHolidays(2027), D("2027-12-31")], [D("2027-01-09")]);
        var calendar = new WorkingDayCalendar([year2027]);

        Assert.True(calendar.IsWorkingDay(D("2027-01-09")));
        Assert.False(calendar.IsWorkingDay(D("2027-12-31")));
        // Without the automatic moves, May 3, 2027 (May 1's Monday) is working in the entered year.
        Assert.True(calendar.IsWorkingDay(D("2027-05-03")));
        Assert.Equal(D("2027-01-11"), calendar.AddWorkingDays(D("2026-12-30"), 2)); // Dec 31, 2026 off (decree); Jan 9 counts
    }

    [Fact]
    public void Unknown_types_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RequestDeadlines.LegalTerm("delete_everything"));
}
