using System.Diagnostics.CodeAnalysis;

namespace PhoneCrm.Domain.Contacts;

/// <summary>Outcome of <see cref="PhoneParser.Parse"/>: a phone, or a short English reason (shown in import reports).</summary>
public sealed record PhoneParseResult
{
    private PhoneParseResult(NormalizedPhone? phone, string? error)
    {
        Phone = phone;
        Error = error;
    }

    public NormalizedPhone? Phone { get; }

    /// <summary>One of the <see cref="PhoneParseErrors"/> constants when parsing failed.</summary>
    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Phone))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Phone is not null;

    public static PhoneParseResult Success(NormalizedPhone phone) => new(phone, null);

    public static PhoneParseResult Failure(string reason) => new(null, reason);
}

/// <summary>Rejection reasons; stable strings because import reports and API errors show them.</summary>
public static class PhoneParseErrors
{
    public const string Empty = "empty";
    public const string TooLong = "too long";
    public const string TooShort = "too short";
    public const string NotAPhoneNumber = "not a phone number";
    public const string InvalidCountryCode = "invalid country code";
    public const string InvalidForRegion = "invalid number for region";
}
