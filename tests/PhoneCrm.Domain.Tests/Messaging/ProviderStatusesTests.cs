using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Domain.Tests.Messaging;

public sealed class ProviderStatusesTests
{
    [Theory]
    [InlineData(100, "sent")]
    [InlineData(101, "sent")]
    [InlineData(102, "sent")]
    [InlineData(103, "delivered")]
    [InlineData(104, "expired")]
    [InlineData(105, "undelivered")]
    [InlineData(106, "undelivered")]
    [InlineData(107, "undelivered")]
    [InlineData(108, "rejected")]
    [InlineData(-1, null)]
    [InlineData(200, null)]
    public void Maps_sms_ru_codes(int code, string? expected) => Assert.Equal(expected, ProviderStatuses.FromSmsRu(code));

    [Theory]
    [InlineData(-1, "sent")]
    [InlineData(0, "sent")]
    [InlineData(1, "delivered")]
    [InlineData(2, "read")]
    [InlineData(3, "expired")]
    [InlineData(20, "undelivered")]
    [InlineData(22, "rejected")]
    [InlineData(25, "undelivered")]
    [InlineData(4, null)]
    public void Maps_smsc_codes(int code, string? expected) => Assert.Equal(expected, ProviderStatuses.FromSmsc(code));

    [Theory]
    [InlineData("DELIVRD", "delivered")]
    [InlineData("expired", "expired")]
    [InlineData("DELETED", "undelivered")]
    [InlineData("UNDELIV", "undelivered")]
    [InlineData("ACCEPTD", "sent")]
    [InlineData("UNKNOWN", "undelivered")]
    [InlineData("REJECTD", "rejected")]
    [InlineData("BOGUS", null)]
    public void Maps_smpp_states(string state, string? expected) => Assert.Equal(expected, ProviderStatuses.FromSmpp(state));

    [Fact]
    public void Every_mapped_state_is_a_message_status()
    {
        var mapped = Enumerable.Range(-1, 130).SelectMany(c => new[] { ProviderStatuses.FromSmsRu(c), ProviderStatuses.FromSmsc(c) })
            .Where(s => s is not null);
        Assert.All(mapped, s => Assert.Contains(s, SmsStatus.All));
    }
}
