using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Domain.Tests.Messaging;

public sealed class MessageTemplateTests
{
    [Fact]
    public void A_marketing_template_needs_an_opt_out_instruction()
    {
        var errors = MessageTemplate.Validate("Sale", "marketing", "promotional", "{{firstName}}, скидка 30% на семена");
        Assert.Equal(["A marketing message must say how to opt out (for example «Отписка: СТОП»)."], errors.ByField["text"]);
        Assert.Empty(MessageTemplate.Validate("Sale", "marketing", "promotional", "{{firstName}}, скидка 30%. Отписка: СТОП").ByField);
    }

    [Fact]
    public void A_transactional_template_needs_no_opt_out()
    {
        Assert.Empty(MessageTemplate.Validate("Shipped", "transactional", "transactional", "Заказ №{{orderNumber}} отправлен").ByField);
    }

    [Theory]
    [InlineData(null, "marketing", "promotional", "x Отписка: СТОП", "name")]
    [InlineData("n", "marketing", "bulk", "x Отписка: СТОП", "category")]
    [InlineData("n", "marketing", "promotional", "{{fristName}} Отписка: СТОП", "text")]
    [InlineData("n", "", "promotional", "x Отписка: СТОП", "purpose")]
    public void Bad_fields_are_named(string? name, string purpose, string category, string text, string field)
    {
        Assert.Contains(field, MessageTemplate.Validate(name, purpose, category, text).ByField.Keys);
    }
}
