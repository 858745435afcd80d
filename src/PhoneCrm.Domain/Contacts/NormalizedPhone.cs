namespace PhoneCrm.Domain.Contacts;

/// <summary>
/// A phone number after parsing and validation: the value stored on a contact.
/// Two contacts of one tenant can never share an <see cref="E164"/>.
/// </summary>
/// <param name="E164">E.164 form, e.g. <c>+79161234567</c>.</param>
/// <param name="Type">libphonenumber number type in lower snake case (<c>mobile</c>, <c>fixed_line</c>, …).</param>
/// <param name="Carrier">Original carrier (numbers are portable), or null when libphonenumber does not know the range.</param>
/// <param name="Region">ISO 3166 region of the number (<c>RU</c>, <c>KZ</c>, …; <c>001</c> for non-geographic +800 numbers); +7 is shared, so never assume RU.</param>
/// <param name="Extension">Extension digits (<c>доб. 12</c> → <c>12</c>), kept apart from the number.</param>
public sealed record NormalizedPhone(string E164, string Type, string? Carrier, string Region, string? Extension)
{
    /// <summary>E.164 without the leading '+', e.g. <c>79161234567</c> (the form ad platforms and SMS gateways want).</summary>
    public string Digits => E164[1..];

    public bool IsMobile => Type is PhoneTypes.Mobile or PhoneTypes.FixedLineOrMobile;

    public override string ToString() => Extension is null ? E164 : $"{E164} ext. {Extension}";
}
