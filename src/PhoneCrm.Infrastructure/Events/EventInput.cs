using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Events;

/// <summary>An event as the API or a CSV row states it. Its rules: <see cref="EventInputValidator"/>.</summary>
public sealed class EventInput
{
    public const int ExternalIdMax = 200;
    public const int CategoryMax = 100;
    public const int DataMaxBytes = 64 * 1024;

    public string? Type { get; set; }
    public string? ExternalId { get; set; }
    public string? Phone { get; set; }
    public DateTimeOffset? OccurredAt { get; set; }
    public JsonObject? Data { get; set; }
    /// <summary>Source of a contact the event creates (an import's channel); not part of the event or its hash.</summary>
    public string? SourceChannel { get; set; }
    public string? SourceDetail { get; set; }

    public sealed record Valid(string Type, string ExternalId, NormalizedPhone Phone, DateTimeOffset OccurredAt, JsonObject Data,
        decimal? Amount, IReadOnlyList<string> Categories, byte[] Hash);

    /// <summary>Checks the event (<see cref="EventInputValidator"/>) and parses its phone in the tenant's region.</summary>
    public Valid? Validate(string defaultRegion, DateTimeOffset now, out ValidationErrors errors)
    {
        errors = EventInputValidator.Instance.Check(this);
        var parsed = string.IsNullOrWhiteSpace(Phone) ? null : PhoneParser.Parse(Phone, defaultRegion);
        if (parsed is { IsSuccess: false }) errors.Add("phone", "Enter a valid phone number.");
        if (!errors.IsValid) return null;

        var type = Type!.Trim().ToLowerInvariant();
        var data = Data ?? [];
        var occurred = (OccurredAt ?? now).ToUniversalTime();
        var phone = parsed!.Phone!;
        return new Valid(type, ExternalId!.Trim(), phone, occurred, data, ReadAmount(data).Amount, ReadCategories(data).Categories,
            Hash(type, phone.E164, occurred, data));
    }

    /// <summary><c>data.amount</c> when given, else the items' sum (price × quantity); null when neither is present.</summary>
    internal static (decimal? Amount, string? Error) ReadAmount(JsonObject data)
    {
        if (data["amount"] is { } a)
        {
            return Number(a) is { } v and >= 0 ? (v, null) : (null, "Amount must be a non-negative number.");
        }

        if (data["items"] is not JsonArray items) return (null, null);
        decimal sum = 0;
        var any = false;
        foreach (var item in items.OfType<JsonObject>())
        {
            if (item["price"] is not { } price) continue;
            var p = Number(price);
            var q = item["quantity"] is { } qty ? Number(qty) : 1;
            if (p is null || q is null || p < 0 || q < 0) return (null, "Item price and quantity must be non-negative numbers.");
            sum += p.Value * q.Value;
            any = true;
        }

        return (any ? sum : null, null);
    }

    /// <summary>The items' categories, normalised and distinct, or why the items are unreadable.</summary>
    internal static (List<string> Categories, string? Error) ReadCategories(JsonObject data)
    {
        var result = new List<string>();
        switch (data["items"])
        {
            case null:
                return (result, null);
            case JsonArray items:
                foreach (var item in items)
                {
                    if (item is not JsonObject o) return (result, "Items must be objects.");
                    if (o["category"] is not { } c) continue;
                    var name = NormalizeCategory(c.GetValueKind() == System.Text.Json.JsonValueKind.String ? c.GetValue<string>() : "");
                    if (name.Length is 0 or > CategoryMax) return (result, $"An item category must be text of 1 to {CategoryMax} characters.");
                    if (!result.Contains(name)) result.Add(name);
                }

                return (result, null);
            default:
                return (result, "Items must be an array.");
        }
    }

    public static string NormalizeCategory(string category) => category.Trim().ToLowerInvariant();

    private static decimal? Number(JsonNode node) =>
        node.GetValueKind() == System.Text.Json.JsonValueKind.Number && decimal.TryParse(node.ToJsonString(), NumberStyles.Float,
            CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary>Canonical form (keys sorted, phone normalised, time in UTC), so a retry with reordered keys is still "the same".</summary>
    private static byte[] Hash(string type, string e164, DateTimeOffset occurred, JsonObject data)
    {
        var canonical = new JsonObject
        {
            ["type"] = type,
            ["phone"] = e164,
            ["occurredAt"] = occurred.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["data"] = Sorted(data),
        };
        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToJsonString()));
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };
}
