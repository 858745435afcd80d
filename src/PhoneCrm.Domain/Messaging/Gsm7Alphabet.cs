namespace PhoneCrm.Domain.Messaging;

/// <summary>The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1).</summary>
internal static class Gsm7Alphabet
{
    // The 127 printable characters of the basic table (0x1B, the escape to the extension table, is not a character).
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // Sent as ESC + char, so each costs 2 septets.
    private const string Extension = "\f^{}\\[~]|€";

    private static readonly HashSet<char> _basic = [.. Basic];
    private static readonly HashSet<char> _extension = [.. Extension];

    /// <summary>Septets needed for <paramref name="c"/>: 1 basic, 2 extension, 0 when not in GSM-7 at all.</summary>
    public static int Septets(char c) => _basic.Contains(c) ? 1 : _extension.Contains(c) ? 2 : 0;
}
