using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Domain.Tests.Messaging;

public sealed class StopWordsTests
{
    [Theory]
    [InlineData("СТОП")]
    [InlineData("стоп")]
    [InlineData("Стоп")]
    [InlineData("стоп!")]
    [InlineData(" Stop.")]
    [InlineData("STOP")]
    [InlineData("\"СТОП\"")]
    [InlineData("«стоп»")]
    [InlineData("стоп стоп")]
    [InlineData("СТОП!!! 🙅")]
    [InlineData("🛑 stop")]
    [InlineData("ОТПИСАТЬСЯ")]
    [InlineData("отписка")]
    [InlineData("ОТПИСАТЬ")]
    [InlineData("Отпишите")]
    [InlineData("UNSUBSCRIBE")]
    [InlineData("unsubscribe.")]
    [InlineData("стоооп")]
    [InlineData("CTOП")] // Latin C, T, O
    [InlineData("СТОП 1234")]
    [InlineData("cnjg")]
    [InlineData("\n\tStOp\n")]
    public void Recognises_stop_replies(string reply)
    {
        Assert.True(StopWords.IsStop(reply));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!!")]
    [InlineData("1234")]
    [InlineData("не стоп-кран")]
    [InlineData("остановите доставку")]
    [InlineData("стоп-кран")]
    [InlineData("Стоп, а где мой заказ?")]
    [InlineData("stopping by tomorrow")]
    [InlineData("да")]
    [InlineData("спасибо")]
    [InlineData("НОВЫЙ")]
    public void Ignores_ordinary_replies(string? reply)
    {
        Assert.False(StopWords.IsStop(reply));
    }

    [Theory]
    [InlineData("НОВЫЙ", true)]
    [InlineData("новый", true)]
    [InlineData(" Новый! ", true)]
    [InlineData("«новый»", true)]
    [InlineData("Новый номер", true)]
    [InlineData("HOBЫЙ", true)] // Latin H, O, B
    [InlineData("новый год скоро", false)]
    [InlineData("номер", false)]
    [InlineData("стоп", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Recognises_new_number_replies(string? reply, bool expected)
    {
        Assert.Equal(expected, StopWords.IsNewNumber(reply));
    }
}
