using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Domain.Tests.Messaging;

public sealed class OptOutRuleTests
{
    [Theory]
    [InlineData("Скидка 20% на всё! Отписка: СТОП")]
    [InlineData("Скидка 20%. Отказ: STOP")]
    [InlineData("Скидка 20%. отписаться: СТОП на 1234")]
    [InlineData("Sale -20%. STOP — отписка")]
    [InlineData("Акция! Для отказа от рассылки отправьте ОТПИСКА на 1234")]
    [InlineData("Акция! Ответьте СТОП, чтобы не получать SMS")]
    [InlineData("Sale! Reply STOP to unsubscribe")]
    [InlineData("ОТПИСКА: стоп")]
    [InlineData("Распродажа {{link}} Отписка:СТОП")]
    [InlineData("Распродажа! Настройки рассылки: {{unsubscribeLink}}")]
    [InlineData("Распродажа! {{ unsubscribeLink }}")]
    public void Accepts_texts_with_an_opt_out_instruction(string text)
    {
        Assert.True(OptOutRule.HasOptOutInstruction(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Скидка 20% на всё!")]
    [InlineData("Стоп-цены! Только сегодня")]
    [InlineData("Отписка")]
    [InlineData("СТОП")]
    [InlineData("Не откладывайте покупки: распродажа")]
    [InlineData("Распродажа! unsubscribeLink")]
    [InlineData("Распродажа! {{unsubscribe}}")]
    public void Rejects_texts_without_one(string? text)
    {
        Assert.False(OptOutRule.HasOptOutInstruction(text));
    }
}
