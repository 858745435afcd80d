using PhoneCrm.Domain.Audiences;

namespace PhoneCrm.Domain.Tests.Audiences;

public sealed class AudienceHashTests
{
    // printf %s 79161234567 | sha256sum — the digits of E.164 without «+».
    [Theory]
    [InlineData("+79161234567", "1210f4f193f6032e91cd7117a785a1be09550d79076c4717cdae4c0c45691a30")]
    [InlineData("+79031112233", "c87592fe2bdafabae6b8b4743c874ae2405b5cb9cfc79a9079a7084dfd6ed980")]
    [InlineData("+79265554433", "90414aaba906befb17734b4ca6d6014161b5f70635a528cb362c416ddca199df")]
    public void A_hash_is_the_lowercase_hex_sha256_of_the_digits(string e164, string expected) =>
        Assert.Equal(expected, AudienceHash.Of(e164));

    [Fact]
    public void Meta_and_yandex_have_the_phone_header_and_vk_none()
    {
        Assert.Equal("phone\n", AudienceFormats.Header(AudienceFormats.Meta));
        Assert.Equal("phone\n", AudienceFormats.Header(AudienceFormats.Yandex));
        Assert.Equal("", AudienceFormats.Header(AudienceFormats.Vk));
    }
}
