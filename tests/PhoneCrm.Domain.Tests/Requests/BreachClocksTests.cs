using PhoneCrm.Domain.Requests;

namespace PhoneCrm.Domain.Tests.Requests;

public sealed class BreachClocksTests
{
    private static readonly DateTimeOffset _detected = new(2026, 12, 4, 22, 30, 0, TimeSpan.FromHours(3));

    private static BreachIncident Incident(DateTimeOffset? initialSent = null, DateTimeOffset? resultsSent = null) => new()
    {
        Number = "INC-2026-001", Description = "Lost laptop", Measures = "Passwords changed", ContactPerson = "Officer",
        RecordedBy = "officer", DetectedAt = _detected, InitialNoticeSentAt = initialSent, ResultsNoticeSentAt = resultsSent,
    };

    [Fact]
    public void Both_clocks_run_from_detection_24_and_72_hours_in_utc()
    {
        var clocks = Incident().Clocks(_detected);

        Assert.Equal(new DateTimeOffset(2026, 12, 5, 19, 30, 0, TimeSpan.Zero), clocks[0].DueAt);
        Assert.Equal(BreachNotice.Initial, clocks[0].Notice);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 19, 30, 0, TimeSpan.Zero), clocks[1].DueAt);
        Assert.Equal(TimeSpan.Zero, clocks[0].DueAt.Offset);
        Assert.Equal(TimeSpan.FromHours(24), clocks[0].Left);
        Assert.All(clocks, c => Assert.Equal(BreachClockState.Running, c.State));
    }

    // Hours after detection → the initial notice's state and time left, worked out by hand.
    [Theory]
    [InlineData(0, BreachClockState.Running, 24 * 60)]
    [InlineData(17.5, BreachClockState.Running, 6 * 60 + 30)]
    [InlineData(18, BreachClockState.DueSoon, 6 * 60)] // exactly six hours left: amber
    [InlineData(23.99, BreachClockState.DueSoon, 0.6)]
    [InlineData(24, BreachClockState.Overdue, 0)] // at the deadline it is too late
    [InlineData(30, BreachClockState.Overdue, -6 * 60)]
    public void Initial_notice_turns_amber_six_hours_before_and_red_at_the_deadline(double hours, BreachClockState state, double minutesLeft)
    {
        var clock = Incident().Clock(BreachNotice.Initial, _detected.AddHours(hours));

        Assert.Equal(state, clock.State);
        Assert.Equal(minutesLeft, clock.Left.TotalMinutes, precision: 6);
        Assert.Equal(state is BreachClockState.DueSoon or BreachClockState.Overdue, clock.NeedsAttention);
    }

    [Fact]
    public void A_sent_notice_stops_its_clock_on_time_or_late_whatever_the_hour_now()
    {
        var onTime = Incident(initialSent: _detected.AddHours(23), resultsSent: _detected.AddHours(80));
        var muchLater = _detected.AddDays(30);

        var initial = onTime.Clock(BreachNotice.Initial, muchLater);
        var results = onTime.Clock(BreachNotice.Results, muchLater);

        Assert.Equal(BreachClockState.SentOnTime, initial.State);
        Assert.Equal(TimeSpan.FromHours(1), initial.Left);
        Assert.Equal(BreachClockState.SentLate, results.State);
        Assert.Equal(TimeSpan.FromHours(-8), results.Left);
        Assert.False(onTime.IsOpen);
        Assert.Null(onTime.NextClock(muchLater));
    }

    [Fact]
    public void The_next_clock_is_the_earliest_unsent_one()
    {
        var now = _detected.AddHours(30);

        Assert.Equal(BreachNotice.Initial, Incident().NextClock(now)!.Value.Notice);
        var afterInitial = Incident(initialSent: _detected.AddHours(20)).NextClock(now)!.Value;
        Assert.Equal(BreachNotice.Results, afterInitial.Notice);
        Assert.Equal(BreachClockState.Running, afterInitial.State);
        Assert.Equal(TimeSpan.FromHours(42), afterInitial.Left);
        // Results sent first (rare, but the officer may send both together): the initial is still owed.
        Assert.Equal(BreachNotice.Initial, Incident(resultsSent: _detected.AddHours(2)).NextClock(now)!.Value.Notice);
        Assert.True(Incident(resultsSent: _detected.AddHours(2)).IsOpen);
    }

    [Fact]
    public void Numbers_are_per_year_with_three_digits()
    {
        Assert.Equal("INC-2026-001", BreachClocks.Number(2026, 1));
        Assert.Equal("INC-2027-1234", BreachClocks.Number(2027, 1234));
        Assert.StartsWith(BreachClocks.NumberPrefix(2026), BreachClocks.Number(2026, 7), StringComparison.Ordinal);
    }
}
