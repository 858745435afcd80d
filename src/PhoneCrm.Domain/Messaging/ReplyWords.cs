using System.Text;

namespace PhoneCrm.Domain.Messaging;

/// <summary>Splits SMS text into comparable words: lower case, ё→е, look-alike Latin letters fixed, repeats squeezed.</summary>
internal static class ReplyWords
{
    // Latin letters that look like Cyrillic ones; people mix layouts ("CTOП", "HOBЫЙ").
    private const string Latin = "aceopxyktmhb";
    private const string Cyrillic = "асеорхуктмнв";

    /// <summary>Runs of letters; digits, punctuation, spaces and emoji are separators.</summary>
    public static List<string> Split(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return words;
        }

        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isLetter = i < text.Length && char.IsLetter(text[i]);
            if (isLetter && start < 0)
            {
                start = i;
            }
            else if (!isLetter && start >= 0)
            {
                words.Add(Normalize(text[start..i]));
                start = -1;
            }
        }

        return words;
    }

    public static string Normalize(string word)
    {
        var lower = word.ToLowerInvariant().Replace('ё', 'е');
        if (lower.Any(IsCyrillic))
        {
            lower = string.Concat(lower.Select(c => Latin.IndexOf(c, StringComparison.Ordinal) is var i and >= 0 ? Cyrillic[i] : c));
        }

        return SqueezeRepeats(lower);
    }

    // "стоооп", "stopp" → one letter per run. Applied to dictionary words too, so comparisons stay fair.
    private static string SqueezeRepeats(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (sb.Length == 0 || sb[^1] != c)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool IsCyrillic(char c) => c is >= '\u0400' and <= '\u04FF';
}
