using System.Text.RegularExpressions;

namespace PhoneCrm.Domain.Messaging;

/// <summary>
/// <c>{{firstName}}</c>-style SMS templates. Names are case-sensitive; spaces inside the braces are
/// allowed; <c>{{firstName|Клиент}}</c> gives an inline fallback. Substitution is single-pass, so a
/// value that itself contains <c>{{…}}</c> is never expanded.
/// </summary>
public static partial class SmsTemplate
{
    /// <summary>
    /// Replaces every variable with its value; a missing, null or blank value falls back to the
    /// inline fallback, then to <paramref name="fallbacks"/>, then to an empty string.
    /// </summary>
    public static string Render(
        string template,
        IReadOnlyDictionary<string, string?> values,
        IReadOnlyDictionary<string, string>? fallbacks = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);

        return Variable().Replace(template, m =>
        {
            var name = m.Groups["name"].Value;
            if (values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return value;
            }

            if (m.Groups["fallback"].Success)
            {
                return m.Groups["fallback"].Value.Trim();
            }

            return fallbacks is not null && fallbacks.TryGetValue(name, out var fallback) ? fallback : "";
        });
    }

    /// <summary>Variable names used by the template, each once, in order of first use.</summary>
    public static IReadOnlyList<string> Variables(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Variable().Matches(template).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex(@"\{\{\s*(?<name>[\p{L}_][\p{L}\p{Nd}_.]*)\s*(?:\|(?<fallback>[^{}]*))?\}\}")]
    private static partial Regex Variable();
}
