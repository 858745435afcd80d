using System.Buffers;

namespace PhoneCrm.Domain.Validation;

/// <summary>
/// The one rule for control characters in any text a caller sends: C0 controls are refused, except tab, CR and LF
/// (multi-line texts such as SMS or notes). PostgreSQL refuses NUL in <c>text</c>, and no person types the others.
/// </summary>
public static class ControlCharacters
{
    public const string Message = "Control characters are not allowed.";

    private static readonly SearchValues<char> _refused = SearchValues.Create(
        Enumerable.Range(0, 0x20).Select(c => (char)c).Where(c => c is not ('\t' or '\n' or '\r')).ToArray());

    public static bool AreIn(ReadOnlySpan<char> text) => text.ContainsAny(_refused);
}
