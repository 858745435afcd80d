using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Domain.Tests.Messaging;

public sealed class SmsTextTests
{
    private static string Digits(int n) => new('1', n);

    private static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    // Spec §4.3 vectors.
    [Fact] public void Empty_is_one_segment() => AssertLength("", SmsEncoding.Gsm7, units: 0, segments: 1);

    [Fact] public void Digits_160_is_one_segment() => AssertLength(Digits(160), SmsEncoding.Gsm7, 160, 1);

    [Fact] public void Digits_161_is_two_segments() => AssertLength(Digits(161), SmsEncoding.Gsm7, 161, 2);

    [Fact] public void Digits_307_is_three_segments() => AssertLength(Digits(307), SmsEncoding.Gsm7, 307, 3);

    // The spec writes "{+159 digits → 1, {+160 → 2". '{' costs 2 septets, so a 159-character text
    // starting with '{' is exactly 160 septets (1 part) and a 160-character one is 161 (2 parts).
    [Fact] public void Brace_text_of_159_chars_is_one_segment() => AssertLength("{" + Digits(158), SmsEncoding.Gsm7, 160, 1);

    [Fact] public void Brace_text_of_160_chars_is_two_segments() => AssertLength("{" + Digits(159), SmsEncoding.Gsm7, 161, 2);

    [Fact] public void Brace_followed_by_160_digits_is_two_segments() => AssertLength("{" + Digits(160), SmsEncoding.Gsm7, 162, 2);

    [Fact] public void Emoji_plus_68_digits_is_one_segment() => AssertLength("😜" + Digits(68), SmsEncoding.Ucs2, 70, 1);

    [Fact] public void Emoji_plus_69_digits_is_two_segments() => AssertLength("😜" + Digits(69), SmsEncoding.Ucs2, 71, 2);

    [Fact] public void A_acute_70_is_one_segment() => AssertLength(Repeat("Á", 70), SmsEncoding.Ucs2, 70, 1);

    [Fact] public void A_acute_71_is_two_segments() => AssertLength(Repeat("Á", 71), SmsEncoding.Ucs2, 71, 2);

    // 33 globes fill 66 of 67 units; the 34th would straddle, so 67 globes need 33 + 33 + 1.
    [Fact] public void Globe_67_is_three_segments_not_two() => AssertLength(Repeat("🌐", 67), SmsEncoding.Ucs2, 134, 3);

    [Fact] public void Cyrillic_71_chars_is_two_segments() => AssertLength(Repeat("Ж", 71), SmsEncoding.Ucs2, 71, 2);

    [Fact] public void Cyrillic_70_chars_is_one_segment() => AssertLength(Repeat("я", 70), SmsEncoding.Ucs2, 70, 1);

    [Fact]
    public void Extension_char_never_straddles_a_part_boundary()
    {
        // 152 digits then '€' (2 septets): it does not fit in the first 153, so it moves to part 2.
        var length = SmsText.Measure(Digits(152) + "€" + Digits(10));

        Assert.Equal(164, length.Units);
        Assert.Equal(2, length.Segments);
        Assert.Equal(153 - 12, length.RemainingInLastSegment);
    }

    [Theory]
    [InlineData("|")]
    [InlineData("^")]
    [InlineData("€")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("[")]
    [InlineData("~")]
    [InlineData("]")]
    [InlineData("\\")]
    [InlineData("\f")]
    public void Extension_chars_cost_two_septets(string c)
    {
        Assert.Equal(new SmsLength(SmsEncoding.Gsm7, 2, 1, 160, 158), SmsText.Measure(c));
    }

    [Theory]
    [InlineData("Hello, world! @£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà", SmsEncoding.Gsm7)]
    [InlineData("Your code 1234", SmsEncoding.Gsm7)]
    [InlineData("Ваш код 1234", SmsEncoding.Ucs2)]
    [InlineData("Price 100 ₽", SmsEncoding.Ucs2)]
    [InlineData("ç", SmsEncoding.Ucs2)]
    [InlineData("`", SmsEncoding.Ucs2)]
    [InlineData("Hi 👋", SmsEncoding.Ucs2)]
    public void Detects_encoding(string text, SmsEncoding encoding)
    {
        Assert.Equal(encoding, SmsText.DetectEncoding(text));
    }

    [Fact]
    public void Null_is_treated_as_empty()
    {
        Assert.Equal(new SmsLength(SmsEncoding.Gsm7, 0, 1, 160, 160), SmsText.Measure(null));
    }

    [Fact]
    public void Reports_limits_and_remaining_for_the_counter()
    {
        Assert.Equal(new SmsLength(SmsEncoding.Ucs2, 12, 1, 70, 58), SmsText.Measure("Привет, мир!"));
        Assert.Equal(new SmsLength(SmsEncoding.Gsm7, 200, 2, 153, 106), SmsText.Measure(Digits(200)));
    }

    private static void AssertLength(string text, SmsEncoding encoding, int units, int segments)
    {
        var length = SmsText.Measure(text);

        Assert.Equal(encoding, length.Encoding);
        Assert.Equal(units, length.Units);
        Assert.Equal(segments, length.Segments);
    }
}
