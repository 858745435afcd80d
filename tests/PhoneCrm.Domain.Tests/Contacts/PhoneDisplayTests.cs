using PhoneCrm.Domain.Contacts;

namespace PhoneCrm.Domain.Tests.Contacts;

public sealed class PhoneDisplayTests
{
    [Theory]
    [InlineData("+79161234567", "+7 (916) ***-**-67")]
    [InlineData("+77011234567", "+7 (701) ***-**-67")]
    [InlineData("+447911123456", "+44 791*****56")]
    [InlineData("+375291234567", "+375 291****67")]
    [InlineData("garbage12", "**")]
    public void Masks_all_but_the_prefix_and_last_two_digits(string e164, string masked)
    {
        Assert.Equal(masked, PhoneMasking.Mask(e164));
    }

    [Theory]
    [InlineData("+79161234567", "+7 (916) 123-45-67")]
    [InlineData("+77272123456", "+7 (727) 212-34-56")]
    [InlineData("+447911123456", "+44 7911 123456")]
    [InlineData("+16502530000", "+1 650-253-0000")]
    [InlineData("not a number", "not a number")]
    public void Displays_numbers_the_way_people_read_them(string e164, string display)
    {
        Assert.Equal(display, PhoneFormatting.Display(e164));
    }
}
