using System.Diagnostics.CodeAnalysis;
using PhoneNumbers;

namespace PhoneCrm.Domain.Contacts;

/// <summary>Parses a phone number written any way a person or a spreadsheet writes it (spec §2.1, §4.2).</summary>
public static class PhoneParser
{
    /// <summary>Longest input (after trimming) worth parsing; longer strings are junk and are rejected before libphonenumber.</summary>
    public const int MaxInputLength = 64;

    private static readonly PhoneNumberUtil _util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToCarrierMapper _carriers = PhoneNumberToCarrierMapper.GetInstance();
    private static readonly Locale _russian = new("ru", "RU");

    public static PhoneParseResult Parse(string? input, string defaultRegion = "RU")
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return PhoneParseResult.Failure(PhoneParseErrors.Empty);
        }

        var trimmed = PhoneText.TrimJunk(input.AsSpan());
        if (trimmed.IsEmpty)
        {
            return PhoneParseResult.Failure(PhoneParseErrors.NotAPhoneNumber);
        }

        if (trimmed.Length > MaxInputLength)
        {
            return PhoneParseResult.Failure(PhoneParseErrors.TooLong);
        }

        var (number, extension) = PhoneText.SplitExtension(PhoneText.Fold(trimmed));
        if (!PhoneText.HasOnlyPhoneCharacters(number))
        {
            return PhoneParseResult.Failure(PhoneParseErrors.NotAPhoneNumber);
        }

        // For a +7 number, valid means of a known type (its region is RU or KZ, both with number patterns), so the
        // type is worked out once here instead of by IsValidNumber and again for the result (libphonenumber matches
        // the same patterns for each: a third of the parse).
        if (TryRussianShape(number, defaultRegion, out var shaped) && _util.GetNumberType(shaped) is var type && type != PhoneNumberType.UNKNOWN)
        {
            return PhoneParseResult.Success(ToNormalized(shaped, extension, type));
        }

        PhoneNumber parsed;
        try
        {
            parsed = _util.Parse(number, defaultRegion);
        }
        catch (NumberParseException e)
        {
            return PhoneParseResult.Failure(ReasonFor(e.ErrorType));
        }

        if (!_util.IsValidNumber(parsed))
        {
            return PhoneParseResult.Failure(ReasonForInvalid(parsed));
        }

        return PhoneParseResult.Success(ToNormalized(parsed, extension));
    }

    /// <summary>Convenience for callers that only need the phone.</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out NormalizedPhone? phone, string defaultRegion = "RU")
    {
        phone = Parse(input, defaultRegion).Phone;
        return phone is not null;
    }

    /// <summary>
    /// Fast path for the shapes that make up almost every Russian file (<c>8 916…</c>, <c>+7 916…</c>, <c>7916…</c>,
    /// <c>916…</c>): builds the number directly instead of running libphonenumber's regex-driven parser. Anything else,
    /// or an invalid result, goes through the full parser, which also explains what is wrong.
    /// </summary>
    private static bool TryRussianShape(string number, string defaultRegion, out PhoneNumber phone)
    {
        phone = null!;
        var plus = number.Length > 0 && number[0] == '+';
        if (!plus && defaultRegion != "RU") return false;
        Span<char> digits = stackalloc char[16];
        var count = 0;
        foreach (var c in number)
        {
            if (c is < '0' or > '9') continue;
            if (count == digits.Length) return false;
            digits[count++] = c;
        }

        int start;
        if (count == 11 && (digits[0] == '7' || (!plus && digits[0] == '8'))) start = 1;
        else if (count == 10 && !plus) start = 0;
        else return false;

        ulong nationalNumber = 0;
        for (var i = start; i < count; i++) nationalNumber = nationalNumber * 10 + (ulong)(digits[i] - '0');
        phone = new PhoneNumber.Builder().SetCountryCode(7).SetNationalNumber(nationalNumber).Build();
        return true;
    }

    private static NormalizedPhone ToNormalized(PhoneNumber parsed, string? extension, PhoneNumberType? knownType = null)
    {
        var carrier = _carriers.GetNameForValidNumber(parsed, _russian);
        var region = _util.GetRegionCodeForNumber(parsed);
        var withoutExtension = parsed.HasExtension ? parsed.ToBuilder().ClearExtension().Build() : parsed;

        return new NormalizedPhone(
            E164: _util.Format(withoutExtension, PhoneNumberFormat.E164),
            Type: PhoneTypes.FromLibrary(knownType ?? _util.GetNumberType(parsed)),
            Carrier: string.IsNullOrEmpty(carrier) ? null : carrier,
            Region: string.IsNullOrEmpty(region) ? "ZZ" : region,
            Extension: extension ?? (parsed.HasExtension ? parsed.Extension : null));
    }

    private static string ReasonFor(ErrorType error) => error switch
    {
        ErrorType.INVALID_COUNTRY_CODE => PhoneParseErrors.InvalidCountryCode,
        ErrorType.TOO_SHORT_AFTER_IDD or ErrorType.TOO_SHORT_NSN => PhoneParseErrors.TooShort,
        ErrorType.TOO_LONG => PhoneParseErrors.TooLong,
        _ => PhoneParseErrors.NotAPhoneNumber,
    };

    // A parseable but invalid number: say "too short"/"too long" when the length alone explains it.
    private static string ReasonForInvalid(PhoneNumber parsed) => _util.IsPossibleNumberWithReason(parsed) switch
    {
        PhoneNumberUtil.ValidationResult.TOO_SHORT => PhoneParseErrors.TooShort,
        PhoneNumberUtil.ValidationResult.TOO_LONG => PhoneParseErrors.TooLong,
        PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE => PhoneParseErrors.InvalidCountryCode,
        PhoneNumberUtil.ValidationResult.INVALID_LENGTH => ReasonForLength(parsed),
        _ => PhoneParseErrors.InvalidForRegion,
    };

    // INVALID_LENGTH also covers "longer than any ordinary number of the country", e.g. 8 916 123 45 67 89.
    // Ordinary = fixed line or mobile: RU's general lengths include rare 14-digit service numbers.
    private static string ReasonForLength(PhoneNumber parsed)
    {
        var metadata = _util.GetMetadataForRegion(_util.GetRegionCodeForCountryCode(parsed.CountryCode));
        if (metadata is null)
        {
            return PhoneParseErrors.InvalidForRegion;
        }

        var lengths = metadata.FixedLine.PossibleLengthList.Concat(metadata.Mobile.PossibleLengthList).ToList();
        if (lengths.Count == 0)
        {
            lengths = [.. metadata.GeneralDesc.PossibleLengthList];
        }

        var length = _util.GetNationalSignificantNumber(parsed).Length;
        return lengths.Count == 0 ? PhoneParseErrors.InvalidForRegion
            : length > lengths.Max() ? PhoneParseErrors.TooLong
            : length < lengths.Min() ? PhoneParseErrors.TooShort
            : PhoneParseErrors.InvalidForRegion;
    }
}
