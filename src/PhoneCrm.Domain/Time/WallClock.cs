namespace PhoneCrm.Domain.Time;

/// <summary>Wall-clock readings in a zone turned into instants: one rule for the send window, forms and day ranges.</summary>
public static class WallClock
{
    /// <summary>The instant a clock in <paramref name="zone"/> shows <paramref name="local"/> (its kind is ignored).</summary>
    public static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A reading that falls into a DST gap never happens: take the first valid local time after it.
        while (zone.IsInvalidTime(unspecified)) unspecified = unspecified.AddMinutes(30);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
    }

    /// <summary>The instant <paramref name="day"/> begins in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone) => ToUtc(day.ToDateTime(TimeOnly.MinValue), zone);
}
