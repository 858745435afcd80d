using System.Text;
using System.Text.RegularExpressions;

namespace PhoneCrm.Domain.Contacts;

/// <summary>Normalises city and region names so "г. Екатеринбург", "ЕКАТЕРИНБУРГ " and "Ёкатеринбург" meet.</summary>
internal static partial class PlaceName
{
    public static string Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "";
        }

        var sb = new StringBuilder(name.Length);
        foreach (var c in name.Trim())
        {
            var lower = char.ToLowerInvariant(c);
            sb.Append(lower switch
            {
                'ё' => 'е',
                // "Ростов-на-Дону" and "Ростов на Дону" are the same place; dashes of any kind become spaces.
                _ when char.IsWhiteSpace(lower) || lower is '-' or '‐' or '‑' or '–' or '—' => ' ',
                _ => lower,
            });
        }

        var s = Spaces().Replace(sb.ToString(), " ").Trim(' ', '.', ',', '"', '\'', '«', '»');
        return Abbreviations(SettlementPrefix().Replace(s, ""));
    }

    /// <summary>Names a region is also known by: without "— Кузбасс", without "(Якутия)", the bracketed name, without "Республика".</summary>
    public static IEnumerable<string> RegionAliases(string region)
    {
        var full = Normalize(region);
        yield return full;

        var dash = region.IndexOf('—', StringComparison.Ordinal);
        if (dash > 0)
        {
            yield return Normalize(region[..dash]);
        }

        var open = region.IndexOf('(', StringComparison.Ordinal);
        var close = region.IndexOf(')', StringComparison.Ordinal);
        if (open > 0 && close > open)
        {
            yield return Normalize(region[..open]);
            yield return Normalize(region[(open + 1)..close]);
        }

        var withoutRepublic = Normalize(RepublicWord().Replace(region, " "));
        if (withoutRepublic != full)
        {
            yield return withoutRepublic;
        }
    }

    // "Свердловская обл." / "респ. Татарстан" as people type them.
    private static string Abbreviations(string s)
    {
        s = s.Replace("обл.", "область", StringComparison.Ordinal).Replace("респ.", "республика", StringComparison.Ordinal);
        if (s.EndsWith(" обл", StringComparison.Ordinal))
        {
            s = s[..^4] + " область";
        }

        if (s.StartsWith("респ ", StringComparison.Ordinal))
        {
            s = "республика " + s[5..];
        }

        return s;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    // "г. Пермь", "г.Пермь", "г Пермь", "город Пермь", "гор. Пермь", "пгт Ярега" — but never the "г" of "Грозный".
    [GeneratedRegex(@"^(?:город\s+|гор\.\s*|г\.\s*|г\s+|пгт\.?\s+)")]
    private static partial Regex SettlementPrefix();

    [GeneratedRegex(@"(?i)\bреспублика\b")]
    private static partial Regex RepublicWord();
}
