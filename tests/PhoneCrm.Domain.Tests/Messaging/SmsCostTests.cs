using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Domain.Tests.Messaging;

public sealed class SmsCostTests
{
    [Fact]
    public void Multiplies_segments_recipients_and_price()
    {
        Assert.Equal(6_900.00m, SmsCost.Estimate(2, 1_000, 3.45m));
        Assert.Equal(0m, SmsCost.Estimate(1, 0, 3.45m));
    }

    [Fact]
    public void Accepts_a_measured_length()
    {
        Assert.Equal(13.80m, SmsCost.Estimate(SmsText.Measure(new string('Я', 71)), 2, 3.45m));
    }

    [Fact]
    public void Rejects_negative_input()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SmsCost.Estimate(-1, 1, 1m));
        Assert.Throws<ArgumentOutOfRangeException>(() => SmsCost.Estimate(1, -1, 1m));
        Assert.Throws<ArgumentOutOfRangeException>(() => SmsCost.Estimate(1, 1, -1m));
    }
}
