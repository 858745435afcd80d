using PhoneNumbers;

namespace PhoneCrm.Domain.Contacts;

/// <summary>Human-readable display of stored E.164 numbers.</summary>
public static class PhoneFormatting
{
    private static readonly PhoneNumberUtil _util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// <c>+79161234567</c> → <c>+7 (916) 123-45-67</c> (the form Russian users expect, also for KZ);
    /// other countries use libphonenumber's international format. Unparseable input is returned as is.
    /// </summary>
    public static string Display(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        if (IsPlusSevenTenDigits(e164))
        {
            return $"+7 ({e164[2..5]}) {e164[5..8]}-{e164[8..10]}-{e164[10..12]}";
        }

        try
        {
            return _util.Format(_util.Parse(e164, "ZZ"), PhoneNumberFormat.INTERNATIONAL);
        }
        catch (NumberParseException)
        {
            return e164;
        }
    }

    /// <summary>True for <c>+7</c> followed by exactly ten digits (Russia and Kazakhstan).</summary>
    internal static bool IsPlusSevenTenDigits(string e164) =>
        e164.Length == 12 && e164.StartsWith("+7", StringComparison.Ordinal) && e164.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;
}
