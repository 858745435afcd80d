using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Web;

/// <summary>Marker for the shared UI strings: keys are English, <c>Resources/SharedResource.ru.resx</c> has Russian.</summary>
public sealed class SharedResource;

/// <summary>Display names of wire codes (<c>source:web_shop</c>): translated where a resource exists, else the code made readable.</summary>
public static class CodeLabels
{
    public static string Code(this Microsoft.Extensions.Localization.IStringLocalizer localizer, string kind, string? code)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        if (string.IsNullOrEmpty(code)) return "";
        var s = localizer[kind + ":" + code];
        return s.ResourceNotFound ? code.Replace('_', ' ') : s.Value;
    }
}

/// <summary>
/// Validation messages are English keys made by the services (and the API answers them as they are); a page shows them
/// in the user's language through this one translation.
/// </summary>
public static partial class MessageLabels
{
    /// <summary>
    /// The message translated: as a whole; else a message with a value after «: » through its pattern
    /// (<c>Not a phone number: {0}</c>); else a path before «: » put in words and the rest translated
    /// (<c>rule.all[0].value: Expected a number.</c> → «правило › условие 1 › значение: Ожидается число.»); else unchanged.
    /// </summary>
    public static string Message(this IStringLocalizer localizer, string message)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        ArgumentNullException.ThrowIfNull(message);
        var whole = localizer[message];
        if (!whole.ResourceNotFound) return whole.Value;
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0) return message;
        var (head, tail) = (message[..colon], message[(colon + 2)..]);
        var pattern = localizer[head + ": {0}"];
        if (!pattern.ResourceNotFound) return string.Format(CultureInfo.CurrentCulture, pattern.Value, tail);
        var rest = localizer[tail];
        var isPath = FieldPath().IsMatch(head);
        if (rest.ResourceNotFound && !isPath) return message;
        return $"{(isPath ? Path(localizer, head) : head)}: {(rest.ResourceNotFound ? tail : rest.Value)}";
    }

    /// <summary>A field path of the API (<c>rule.all[0].value</c>) in the reader's words: each step a label, items counted from 1.</summary>
    private static string Path(IStringLocalizer localizer, string path) =>
        string.Join(" › ", path.Split('.').Select(step => PathItem().Match(step) is { Success: true } item
            ? localizer["condition {0}", int.Parse(item.Groups[1].Value, CultureInfo.InvariantCulture) + 1].Value
            : localizer.Code("rulePath", step)));

    /// <summary>An API field path with at least two steps (<c>rule.all[0].value</c>, <c>caps.perDay</c>), not a value like a date.</summary>
    [GeneratedRegex(@"^[A-Za-z]\w*(\[\d+\])?(\.[A-Za-z]\w*(\[\d+\])?)+$")]
    private static partial Regex FieldPath();

    [GeneratedRegex(@"^(?:all|any)\[(\d+)\]$")]
    private static partial Regex PathItem();

    /// <summary>Each field's messages, translated and joined, for a form's inline errors.</summary>
    public static Dictionary<string, string> Messages(this IStringLocalizer localizer, IReadOnlyDictionary<string, string[]> errors) =>
        errors.ToDictionary(e => e.Key, e => string.Join(" ", e.Value.Select(localizer.Message)));

    public static Dictionary<string, string> Messages(this IStringLocalizer localizer, ValidationErrors errors) =>
        localizer.Messages(errors.ByField);

    /// <summary>All messages in one line (a flash after a redirect).</summary>
    public static string OneLine(this IStringLocalizer localizer, ValidationErrors errors) =>
        string.Join(" ", errors.ByField.Values.SelectMany(v => v).Select(localizer.Message));
}

/// <summary>
/// A sentence of the UI with people's data or codes inside (a name, an example SMS text, a variable): the sentence is
/// translated, each value is kept as it is and marked <c>translate="no"</c>, so readers, translators and the language
/// test tell the UI from the data.
/// </summary>
public static partial class DataInText
{
    public static IHtmlContent WithData(this IStringLocalizer localizer, string format, params string?[] data)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        ArgumentNullException.ThrowIfNull(data);
        var text = localizer[format].Value;
        var html = new HtmlContentBuilder();
        var last = 0;
        foreach (Match slot in Slot().Matches(text))
        {
            html.Append(text[last..slot.Index]);
            html.AppendHtml("<span translate=\"no\">").Append(data[int.Parse(slot.Groups[1].Value, CultureInfo.InvariantCulture)] ?? "").AppendHtml("</span>");
            last = slot.Index + slot.Length;
        }

        return html.Append(text[last..]);
    }

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Slot();
}
