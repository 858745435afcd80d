using PhoneNumbers;

namespace PhoneCrm.Domain.Contacts;

/// <summary>Masks numbers for roles that see pseudonymised data (analysts, exports).</summary>
public static class PhoneMasking
{
    private static readonly PhoneNumberUtil _util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// <c>+79161234567</c> → <c>+7 (916) ***-**-67</c>. Other numbers keep the country code,
    /// the first 3 and the last 2 digits of the national number: <c>+44 791*****56</c>.
    /// Anything unparseable keeps only its last 2 digits.
    /// </summary>
    public static string Mask(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        if (PhoneFormatting.IsPlusSevenTenDigits(e164))
        {
            return $"+7 ({e164[2..5]}) ***-**-{e164[10..12]}";
        }

        try
        {
            var parsed = _util.Parse(e164, "ZZ");
            var national = _util.GetNationalSignificantNumber(parsed);
            return $"+{parsed.CountryCode} {MaskDigits(national, keepStart: 3)}";
        }
        catch (NumberParseException)
        {
            var digits = new string(e164.Where(char.IsAsciiDigit).ToArray());
            return MaskDigits(digits, keepStart: 0);
        }
    }

    private static string MaskDigits(string digits, int keepStart)
    {
        const int keepEnd = 2;
        if (digits.Length <= keepStart + keepEnd)
        {
            // Too short to keep anything without revealing it all.
            return new string('*', Math.Max(digits.Length, 1));
        }

        return string.Concat(digits.AsSpan(0, keepStart), new string('*', digits.Length - keepStart - keepEnd), digits.AsSpan(digits.Length - keepEnd));
    }
}
