using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Domain.Tests.Messaging;

public sealed class SmsTemplateTests
{
    private static readonly Dictionary<string, string?> _values = new()
    {
        ["firstName"] = "Иван",
        ["orderNumber"] = "A-1024",
        ["amount"] = "1 990 ₽",
        ["empty"] = "",
        ["missing"] = null,
    };

    [Theory]
    [InlineData("Здравствуйте, {{firstName}}!", "Здравствуйте, Иван!")]
    [InlineData("Заказ {{ orderNumber }} на {{amount}}", "Заказ A-1024 на 1 990 ₽")]
    [InlineData("{{firstName}}{{firstName}}", "ИванИван")]
    [InlineData("{{FirstName}}", "")] // names are case-sensitive
    [InlineData("{{unknown}}", "")]
    [InlineData("Привет, {{unknown|Клиент}}!", "Привет, Клиент!")]
    [InlineData("Привет, {{ missing | дорогой клиент }}!", "Привет, дорогой клиент!")]
    [InlineData("Привет, {{empty|Клиент}}!", "Привет, Клиент!")]
    [InlineData("Привет, {{firstName|Клиент}}!", "Привет, Иван!")]
    [InlineData("Без переменных {firstName} и { {x} }", "Без переменных {firstName} и { {x} }")]
    [InlineData("", "")]
    public void Renders_variables(string template, string expected)
    {
        Assert.Equal(expected, SmsTemplate.Render(template, _values, null));
    }

    [Fact]
    public void Uses_fallbacks_for_missing_values_after_inline_ones()
    {
        var fallbacks = new Dictionary<string, string> { ["firstName"] = "покупатель", ["promoCode"] = "SALE" };

        Assert.Equal("Привет, покупатель! SALE", SmsTemplate.Render("Привет, {{firstName}}! {{promoCode}}", new Dictionary<string, string?>(), fallbacks));
        Assert.Equal("Привет, друг!", SmsTemplate.Render("Привет, {{firstName|друг}}!", new Dictionary<string, string?>(), fallbacks));
    }

    [Fact]
    public void Does_not_expand_variables_inside_values()
    {
        var values = new Dictionary<string, string?> { ["firstName"] = "{{promoCode}}", ["promoCode"] = "SECRET" };

        Assert.Equal("Hi {{promoCode}}", SmsTemplate.Render("Hi {{firstName}}", values, null));
    }

    [Fact]
    public void Lists_variables_once_in_order_of_use()
    {
        var names = SmsTemplate.Variables("{{ firstName }}, заказ {{orderNumber}} ({{firstName|Клиент}}) {{link}}");

        Assert.Equal(["firstName", "orderNumber", "link"], names);
        Assert.Empty(SmsTemplate.Variables("без переменных"));
    }
}
