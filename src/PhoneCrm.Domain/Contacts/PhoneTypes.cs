using PhoneNumbers;

namespace PhoneCrm.Domain.Contacts;

/// <summary>Wire names (lower snake case) for libphonenumber's <see cref="PhoneNumberType"/>, as used by the API.</summary>
public static class PhoneTypes
{
    public const string Mobile = "mobile";
    public const string FixedLine = "fixed_line";
    public const string FixedLineOrMobile = "fixed_line_or_mobile";
    public const string TollFree = "toll_free";
    public const string PremiumRate = "premium_rate";
    public const string SharedCost = "shared_cost";
    public const string Voip = "voip";
    public const string PersonalNumber = "personal_number";
    public const string Pager = "pager";
    public const string Uan = "uan";
    public const string Voicemail = "voicemail";
    public const string Unknown = "unknown";

    public static string FromLibrary(PhoneNumberType type) => type switch
    {
        PhoneNumberType.MOBILE => Mobile,
        PhoneNumberType.FIXED_LINE => FixedLine,
        PhoneNumberType.FIXED_LINE_OR_MOBILE => FixedLineOrMobile,
        PhoneNumberType.TOLL_FREE => TollFree,
        PhoneNumberType.PREMIUM_RATE => PremiumRate,
        PhoneNumberType.SHARED_COST => SharedCost,
        PhoneNumberType.VOIP => Voip,
        PhoneNumberType.PERSONAL_NUMBER => PersonalNumber,
        PhoneNumberType.PAGER => Pager,
        PhoneNumberType.UAN => Uan,
        PhoneNumberType.VOICEMAIL => Voicemail,
        _ => Unknown,
    };
}
