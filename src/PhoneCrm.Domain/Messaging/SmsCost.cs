namespace PhoneCrm.Domain.Messaging;

/// <summary>Cost estimate shown next to the segment counter; providers bill per segment per recipient.</summary>
public static class SmsCost
{
    public static decimal Estimate(int segments, int recipients, decimal pricePerSegment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(segments);
        ArgumentOutOfRangeException.ThrowIfNegative(recipients);
        ArgumentOutOfRangeException.ThrowIfNegative(pricePerSegment);
        return segments * (decimal)recipients * pricePerSegment;
    }

    public static decimal Estimate(SmsLength length, int recipients, decimal pricePerSegment)
    {
        ArgumentNullException.ThrowIfNull(length);
        return Estimate(length.Segments, recipients, pricePerSegment);
    }
}
