using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Domain.Tests.Validation;

public sealed class ControlCharactersTests
{
    [Theory]
    [InlineData("marketing", false)]
    [InlineData("Строка 1\r\nСтрока 2\tконец", false)]
    [InlineData("", false)]
    [InlineData("market\0ing", true)]
    [InlineData("\u0001", true)]
    [InlineData("bell\a", true)]
    [InlineData("esc\u001b[0m", true)]
    [InlineData("unit\u001f", true)]
    public void C0_controls_are_refused_except_tab_cr_and_lf(string text, bool refused) =>
        Assert.Equal(refused, ControlCharacters.AreIn(text));

    [Fact]
    public void Validation_errors_collect_messages_by_field()
    {
        var errors = ValidationErrors.Of("purpose", "a").Add("purpose", "b").Add("evidence.method", "c");
        Assert.False(errors.IsValid);
        Assert.Equal(["a", "b"], errors.ByField["purpose"]);
        Assert.True(errors.Has("evidence.method"));
        Assert.True(new ValidationErrors().IsValid);
    }
}
