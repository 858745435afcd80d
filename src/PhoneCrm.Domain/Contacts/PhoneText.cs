using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PhoneCrm.Domain.Contacts;

/// <summary>
/// Text clean-up done before libphonenumber sees the input: people paste numbers from Word, Excel,
/// messengers and web pages, with every kind of space, dash and digit.
/// </summary>
internal static partial class PhoneText
{
    /// <summary>Strips leading/trailing junk (quotes, brackets, bullets) but keeps what can start or end a number.</summary>
    public static ReadOnlySpan<char> TrimJunk(ReadOnlySpan<char> s)
    {
        var start = 0;
        while (start < s.Length && !CanStart(s[start]))
        {
            start++;
        }

        var end = s.Length;
        while (end > start && !CanEnd(s[end - 1]))
        {
            end--;
        }

        return s[start..end];
    }

    /// <summary>Maps unicode digits, spaces, dashes and full-width punctuation to their ASCII forms.</summary>
    public static string Fold(ReadOnlySpan<char> s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            sb.Append(FoldChar(c));
        }

        return sb.ToString();
    }

    /// <summary>Splits <c>8 916 123-45-67 доб. 12</c> into the number and <c>12</c>.</summary>
    public static (string Number, string? Extension) SplitExtension(string s)
    {
        s = LabelPrefix().Replace(s, "", 1);
        var m = ExtensionSuffix().Match(s);
        return m.Success ? (m.Groups["num"].Value, m.Groups["ext"].Value) : (s, null);
    }

    /// <summary>
    /// True when only digits and the separators people use remain. libphonenumber is lenient
    /// (it would pull a number out of "call 8916…"), so letters are rejected here.
    /// </summary>
    public static bool HasOnlyPhoneCharacters(string s)
    {
        var digits = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= '0' and <= '9')
            {
                digits++;
            }
            else if (c == '+' ? i != 0 : c is not (' ' or '-' or '(' or ')' or '.' or '/'))
            {
                return false;
            }
        }

        return digits > 0;
    }

    private static bool CanStart(char c) => char.IsLetterOrDigit(c) || c is '+' or '＋' or '(' or '（';

    private static bool CanEnd(char c) => char.IsLetterOrDigit(c) || c is ')' or '）';

    private static char FoldChar(char c)
    {
        if (c is >= '0' and <= '9')
        {
            return c;
        }

        if (char.IsDigit(c))
        {
            // Full-width, Arabic-Indic, Devanagari… digits: all Nd, numeric value 0-9.
            return (char)('0' + (int)char.GetNumericValue(c));
        }

        if (char.IsWhiteSpace(c))
        {
            return ' ';
        }

        return c switch
        {
            '＋' => '+',
            '（' => '(',
            '）' => ')',
            '．' or '·' => '.',
            '−' => '-', // U+2212 minus sign is a math symbol, not a dash
            _ when CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.DashPunctuation => '-',
            _ when CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format => ' ', // zero-width space, soft hyphen
            _ => c,
        };
    }

    // "тел.:", "tel:", "phone", "моб." in front of the number.
    [GeneratedRegex(@"^(?:tel|phone|тел(?:ефон)?|моб(?:ильный)?)\.?\s*:?\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LabelPrefix();

    // "доб. 12", "добавочный 12", "вн. 12", "ext. 12", "x12", "#12", RFC 3966 ";ext=12".
    [GeneratedRegex(
        @"^(?<num>.*?)[\s,;]*(?:доб(?:авочный)?|вн(?:утр(?:енний)?)?|ext(?:ension)?|ext=|x|#)\.?\s*:?\s*(?<ext>\d{1,7})$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExtensionSuffix();
}
