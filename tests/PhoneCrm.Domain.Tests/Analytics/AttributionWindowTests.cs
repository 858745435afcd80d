using PhoneCrm.Domain.Analytics;

namespace PhoneCrm.Domain.Tests.Analytics;

public sealed class AttributionWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_window_closes_a_grace_day_after_the_attribution_days_from_the_last_message()
    {
        // 7 days + 1 grace day: a message sent 8 days ago to the minute is still open; a minute earlier it is closed.
        Assert.Equal(Now.AddDays(-8), AttributionWindow.ClosedBefore(Now, 7));
        Assert.False(AttributionWindow.IsClosed(Now.AddDays(-8), Now, 7));
        Assert.True(AttributionWindow.IsClosed(Now.AddDays(-8).AddMinutes(-1), Now, 7));
        Assert.False(AttributionWindow.IsClosed(Now.AddDays(-8).AddMinutes(-1), Now, 30));
    }
}
