using PhoneCrm.Domain.Contacts;

namespace PhoneCrm.Domain.Tests.Contacts;

public sealed class PhoneParserTests
{
    [Theory]
    [InlineData("8 (916) 123-45-67")]
    [InlineData("+7 916 123 45 67")]
    [InlineData("9161234567")]
    [InlineData("8-916-123-45-67")]
    [InlineData("89161234567")]
    [InlineData("79161234567")]
    [InlineData("+79161234567")]
    [InlineData("+7(916)1234567")]
    [InlineData("+7 (916) 123-45-67")]
    [InlineData("7 (916) 123-45-67")]
    [InlineData("8.916.123.45.67")]
    [InlineData("+7.916.123.45.67")]
    [InlineData("916.123.45.67")]
    [InlineData("(916) 123-45-67")]
    [InlineData("916 123 45 67")]
    [InlineData("8 916 1234567")]
    [InlineData("8/916/123-45-67")]
    [InlineData("+7\u00A0916\u00A0123\u00A045\u00A067")] // NBSP
    [InlineData("+7\u202F916\u202F123\u202F45\u202F67")] // narrow NBSP
    [InlineData("+7\u2009916\u2009123\u200945\u200967")] // thin space
    [InlineData("8\u2013916\u2013123\u201345\u201367")] // en dash
    [InlineData("8\u2014916\u2014123\u201445\u201467")] // em dash
    [InlineData("8\u2212916\u2212123\u221245\u221267")] // minus sign
    [InlineData("8\u2011916\u2011123\u201145\u201167")] // non-breaking hyphen
    [InlineData("+7 916 123\u200B45 67")] // zero-width space
    [InlineData("\uFF0B\uFF17\uFF19\uFF11\uFF16\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17")] // full-width
    [InlineData("\uFF18\uFF08\uFF19\uFF11\uFF16\uFF09\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17")] // full-width with parens
    [InlineData("\"89161234567\"")]
    [InlineData("'+7 916 123-45-67'")]
    [InlineData("«8 916 123 45 67»")]
    [InlineData("  89161234567  ")]
    [InlineData("\t+79161234567\r\n")]
    [InlineData("89161234567;")]
    [InlineData("89161234567,")]
    [InlineData("📞 +7 916 123-45-67")]
    [InlineData("• 8 916 123 45 67")]
    [InlineData("[+7 916 123 45 67]")]
    [InlineData("tel:+79161234567")]
    [InlineData("Тел.: 8 916 123-45-67")]
    [InlineData("8 10 7 916 123 45 67")] // Russian international prefix 810
    [InlineData("+7 9161234567")]
    [InlineData("+7-916-123-45-67")]
    [InlineData("+7 916 12 34 567")]
    public void Normalises_common_Russian_formats(string input)
    {
        var result = PhoneParser.Parse(input);

        Assert.True(result.IsSuccess, $"{input}: {result.Error}");
        Assert.Equal("+79161234567", result.Phone.E164);
        Assert.Equal("79161234567", result.Phone.Digits);
        Assert.Equal("RU", result.Phone.Region);
        Assert.Equal("mobile", result.Phone.Type);
        Assert.Null(result.Phone.Extension);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("\u00A0\t", "empty")]
    [InlineData("abc", "not a phone number")]
    [InlineData("---", "not a phone number")]
    [InlineData("\"\"", "not a phone number")]
    [InlineData("123", "too short")]
    [InlineData("+7 916 123", "too short")]
    [InlineData("8 916 123 45", "too short")]
    [InlineData("8 916 123 45 67 89", "too long")]
    [InlineData("89161234567abc", "not a phone number")]
    [InlineData("8916abc1234567", "not a phone number")]
    [InlineData("Иван 89161234567", "not a phone number")]
    [InlineData("8 916 123-45-67, 8 916 765-43-21", "not a phone number")]
    [InlineData("+7 916 +123 45 67", "not a phone number")]
    [InlineData("8916😜1234567", "not a phone number")]
    [InlineData("+7 000 000 00 00", "invalid number for region")]
    [InlineData("8 100 123 45 67", "invalid number for region")]
    [InlineData("+999 123 456 789", "invalid country code")]
    public void Rejects_junk_with_a_reason(string? input, string reason)
    {
        var result = PhoneParser.Parse(input);

        Assert.False(result.IsSuccess);
        Assert.Null(result.Phone);
        Assert.Equal(reason, result.Error);
    }

    [Fact]
    public void Rejects_a_huge_string_as_too_long()
    {
        var huge = new string('7', 100_000);
        var result = PhoneParser.Parse(huge);

        Assert.Equal("too long", result.Error);
    }

    [Fact]
    public void Accepts_input_at_the_length_cap_and_rejects_just_over_it()
    {
        var padded = "8 916 123 45 67".PadRight(PhoneParser.MaxInputLength - 1, ' ') + "7";
        Assert.Equal("too long", PhoneParser.Parse(padded + "1").Error);
        Assert.Equal("too long", PhoneParser.Parse(new string('1', PhoneParser.MaxInputLength + 1)).Error);
    }

    [Theory]
    [InlineData("8 916 123 4567 доб. 12", "12")]
    [InlineData("8 916 123 4567 доб.12", "12")]
    [InlineData("8 916 123 4567 Доб 12", "12")]
    [InlineData("8 916 123 4567, добавочный 345", "345")]
    [InlineData("+7 916 123-45-67 ext. 12", "12")]
    [InlineData("+7 916 123-45-67 EXT 12", "12")]
    [InlineData("+7 916 123-45-67 x12", "12")]
    [InlineData("+7 916 123-45-67 #12", "12")]
    [InlineData("+7 916 123-45-67 вн. 1234", "1234")]
    [InlineData("tel:+7-916-123-45-67;ext=12", "12")]
    public void Keeps_the_extension_apart_from_the_number(string input, string extension)
    {
        var result = PhoneParser.Parse(input);

        Assert.True(result.IsSuccess, $"{input}: {result.Error}");
        Assert.Equal("+79161234567", result.Phone.E164);
        Assert.Equal(extension, result.Phone.Extension);
    }

    [Theory]
    [InlineData("+7 701 123 45 67", "KZ", "mobile")]
    [InlineData("87011234567", "KZ", "mobile")]
    [InlineData("+7 727 258 00 00", "KZ", "fixed_line")] // Almaty landline
    [InlineData("+7 7172 123456", "KZ", "fixed_line")] // Astana landline
    [InlineData("+7 916 123 45 67", "RU", "mobile")]
    [InlineData("+7 495 123 45 67", "RU", "fixed_line")]
    [InlineData("8 800 555 35 35", "RU", "toll_free")]
    [InlineData("+375 29 123 45 67", "BY", "mobile")]
    [InlineData("+380 50 123 4567", "UA", "mobile")]
    [InlineData("+44 7400 123456", "GB", "mobile")]
    [InlineData("+1 650 253 0000", "US", "fixed_line_or_mobile")]
    public void Detects_region_and_type_without_assuming_Russia(string input, string region, string type)
    {
        var result = PhoneParser.Parse(input);

        Assert.True(result.IsSuccess, $"{input}: {result.Error}");
        Assert.Equal(region, result.Phone.Region);
        Assert.Equal(type, result.Phone.Type);
    }

    [Fact]
    public void Uses_the_default_region_for_national_numbers()
    {
        var result = PhoneParser.Parse("029 123 45 67", "BY");

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal("+375291234567", result.Phone.E164);
    }

    [Fact]
    public void Known_range_gets_its_original_carrier()
    {
        var phone = PhoneParser.Parse("+79031234567").Phone;

        Assert.NotNull(phone);
        Assert.False(string.IsNullOrWhiteSpace(phone.Carrier));
    }

    [Fact]
    public void Unknown_range_has_no_carrier()
    {
        var phone = PhoneParser.Parse("+79161234567").Phone;

        Assert.NotNull(phone);
        Assert.Null(phone.Carrier);
    }

    [Fact]
    public void Same_number_in_different_formats_is_the_same_value()
    {
        Assert.Equal(PhoneParser.Parse("8 (916) 123-45-67").Phone, PhoneParser.Parse("+79161234567").Phone);
    }

    [Fact]
    public void TryParse_reports_success()
    {
        Assert.True(PhoneParser.TryParse("89161234567", out var phone));
        Assert.Equal("+79161234567", phone.E164);
        Assert.False(PhoneParser.TryParse("abc", out var none));
        Assert.Null(none);
    }
}
