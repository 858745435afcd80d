using System.Globalization;
using System.Text;
using PhoneCrm.Domain.Contacts;

namespace PhoneCrm.Infrastructure.Contacts;

/// <summary>A keyset position in the contact list: a row's id and its value of the list's sort, opaque to the reader
/// (URL-safe base64 of <c>id|value</c>). An unreadable cursor is ignored, so a mangled link shows the first page.</summary>
public sealed record ContactCursor(Guid Id, string Value)
{
    public static string Of(Contact c, ContactFilter f)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(f);
        var value = f.SortKey switch
        {
            "updated" => c.UpdatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            "city" => c.City ?? "",
            "status" => c.Status,
            _ => c.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.Id:N}|{value}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static ContactCursor? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        string decoded;
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=')));
        }
        catch (FormatException)
        {
            return null;
        }

        var bar = decoded.IndexOf('|', StringComparison.Ordinal);
        return bar >= 0 && Guid.TryParseExact(decoded[..bar], "N", out var id) ? new ContactCursor(id, decoded[(bar + 1)..]) : null;
    }
}
