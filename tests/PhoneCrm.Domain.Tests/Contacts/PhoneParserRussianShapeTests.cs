using System.Globalization;
using PhoneCrm.Domain.Contacts;
using PhoneNumbers;

namespace PhoneCrm.Domain.Tests.Contacts;

/// <summary>
/// The fast path for +7 numbers takes "valid" to mean "of a known type" and works the type out once; over numbers of every
/// +7 range (Russia and Kazakhstan, valid and not) it must say exactly what libphonenumber's own parse, validation and
/// type say.
/// </summary>
public sealed class PhoneParserRussianShapeTests
{
    private static readonly PhoneNumberUtil _util = PhoneNumberUtil.GetInstance();

    [Fact]
    public void AgreesWithTheLibraryOnEveryPlusSevenRange()
    {
        var random = new Random(7);
        var checkedValid = 0;
        for (var prefix = 0; prefix < 1000; prefix++)
        {
            for (var i = 0; i < 12; i++)
            {
                var digits = prefix.ToString("000", CultureInfo.InvariantCulture) + random.Next(0, 10_000_000).ToString("0000000", CultureInfo.InvariantCulture);
                var reference = _util.Parse("+7" + digits, "RU");
                var valid = _util.IsValidNumber(reference);
                // "+7…" takes the fast path and, when it is not valid there, the full parse of the same number.
                var ours = PhoneParser.Parse("+7" + digits);
                Assert.True(valid == ours.IsSuccess, $"+7{digits}: library says valid={valid}, ours {ours.Error}");
                if (valid)
                {
                    Assert.Equal("+7" + digits, ours.Phone!.E164);
                    Assert.Equal(PhoneTypes.FromLibrary(_util.GetNumberType(reference)), ours.Phone.Type);
                    Assert.Equal(_util.GetRegionCodeForNumber(reference), ours.Phone.Region);
                }

                if (valid) checkedValid++;
            }
        }

        Assert.True(checkedValid > 1000, $"only {checkedValid} valid numbers drawn");
    }
}
