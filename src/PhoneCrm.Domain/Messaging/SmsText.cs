namespace PhoneCrm.Domain.Messaging;

/// <summary>SMS encoding detection and segment counting (3GPP TS 23.038 / 23.040; spec §4.3).</summary>
public static class SmsText
{
    private const int Gsm7Single = 160;
    private const int Gsm7Multi = 153; // 7 septets go to the concatenation header
    private const int Ucs2Single = 70;
    private const int Ucs2Multi = 67; // 6 octets of header = 3 UCS-2 units

    public static SmsEncoding DetectEncoding(string? text)
    {
        foreach (var c in text ?? "")
        {
            if (Gsm7Alphabet.Septets(c) == 0)
            {
                return SmsEncoding.Ucs2;
            }
        }

        return SmsEncoding.Gsm7;
    }

    public static SmsLength Measure(string? text)
    {
        text ??= "";
        var encoding = DetectEncoding(text);
        var (single, multi) = encoding == SmsEncoding.Gsm7 ? (Gsm7Single, Gsm7Multi) : (Ucs2Single, Ucs2Multi);

        var units = 0;
        for (var i = 0; i < text.Length; i += CharsAt(text, i))
        {
            units += CostAt(text, i, encoding);
        }

        if (units <= single)
        {
            return new SmsLength(encoding, units, 1, single, single - units);
        }

        // Concatenated: an escape pair or a surrogate pair that would straddle a boundary starts the next part.
        var segments = 1;
        var used = 0;
        for (var i = 0; i < text.Length; i += CharsAt(text, i))
        {
            var cost = CostAt(text, i, encoding);
            if (used + cost > multi)
            {
                segments++;
                used = 0;
            }

            used += cost;
        }

        return new SmsLength(encoding, units, segments, multi, multi - used);
    }

    // A surrogate pair (most emoji) is one unsplittable atom of two chars.
    private static int CharsAt(string text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;

    private static int CostAt(string text, int i, SmsEncoding encoding) =>
        encoding == SmsEncoding.Gsm7 ? Gsm7Alphabet.Septets(text[i]) : CharsAt(text, i);
}
