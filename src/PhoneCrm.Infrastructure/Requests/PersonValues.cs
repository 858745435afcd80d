using System.Text.RegularExpressions;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>
/// The values that identify a person being erased, and how to find them in free text that was written without knowing
/// them (audit details, rejected import lines): the number in any common layout (<c>+7 916 123-45-67</c>,
/// <c>8(916)1234567</c>, <c>79161234567</c>), each word of the name, the email.
/// </summary>
internal sealed class PersonValues
{
    public const string Replacement = "[erased]";
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(1);

    private readonly Regex? _phone;
    private readonly List<Regex> _words = [];

    public PersonValues(string e164, string? firstName, string? lastName, string? email)
    {
        E164 = e164;
        var digits = new string(e164.Where(char.IsAsciiDigit).ToArray());
        // The national part (without the country code), each digit allowed to be followed by a separator.
        var national = digits.Length > 10 ? digits[^10..] : digits;
        if (national.Length >= 6)
        {
            PhonePattern = string.Join(@"[\s\-().]*", national.Select(c => c.ToString()));
            _phone = new Regex(PhonePattern, RegexOptions.CultureInvariant, _timeout);
        }

        foreach (var word in Protection.BlindIndex.TokenizeName(firstName, lastName))
            _words.Add(new Regex(@"(?<!\w)" + Regex.Escape(word).Replace("е", "[её]", StringComparison.Ordinal) + @"(?!\w)",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, _timeout));
        if (!string.IsNullOrWhiteSpace(email))
            _words.Add(new Regex(Regex.Escape(email.Trim()), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, _timeout));
        var words = Protection.BlindIndex.TokenizeName(firstName, lastName)
            .Concat(string.IsNullOrWhiteSpace(email) ? [] : [email.Trim()])
            .Select(w => Regex.Escape(w).Replace("е", "[её]", StringComparison.Ordinal));
        SqlPattern = string.Join('|', new[] { PhonePattern }.Concat(words).OfType<string>().Select(p => "(" + p + ")"));
    }

    public string E164 { get; }

    /// <summary>The number's national digits with optional separators between them; the same text is a PostgreSQL regex.</summary>
    public string? PhonePattern { get; }

    /// <summary>
    /// A PostgreSQL regular expression (for <c>~*</c>) matching any of the values loosely (a name word also inside a longer
    /// word): the coarse filter in the database before the exact <see cref="Fragments"/> here.
    /// </summary>
    public string SqlPattern { get; }

    public bool AppearsIn(string? text) =>
        !string.IsNullOrEmpty(text) && ((_phone?.IsMatch(text) ?? false) || _words.Any(w => w.IsMatch(text)));

    /// <summary>The exact pieces of <paramref name="text"/> that are the person's values (to be replaced by a marker).</summary>
    public IReadOnlyList<string> Fragments(string text) =>
        [.. new[] { _phone }.Concat(_words).OfType<Regex>().SelectMany(r => r.Matches(text)).Select(m => m.Value)
            .Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length)];
}
