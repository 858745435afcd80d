using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Events;

namespace PhoneCrm.Infrastructure.Events;

/// <summary>An event as the API or a CSV row states it. Errors are keyed by the API field name.</summary>
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

    public Valid? Validate(string defaultRegion, DateTimeOffset now, out Dictionary<string, string[]> errors)
    {
        var e = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var type = Type?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(type)) e["type"] = ["Type is required."];
        else if (!EventTypes.All.Contains(type)) e["type"] = ["Unknown event type. Use one of: " + string.Join(", ", EventTypes.All) + "."];

        var externalId = ExternalId?.Trim();
        if (string.IsNullOrEmpty(externalId)) e["externalId"] = ["External id is required (it is the idempotency key)."];
        else if (externalId.Length > ExternalIdMax) e["externalId"] = [$"At most {ExternalIdMax} characters."];

        NormalizedPhone? phone = null;
        if (string.IsNullOrWhiteSpace(Phone)) e["phone"] = ["Phone is required."];
        else if (PhoneParser.Parse(Phone, defaultRegion) is { IsSuccess: true } parsed) phone = parsed.Phone;
        else e["phone"] = ["Enter a valid phone number."];

        var data = Data ?? [];
        if (Encoding.UTF8.GetByteCount(data.ToJsonString()) > DataMaxBytes) e["data"] = ["Data may take at most 64 kB."];
        var amount = Amount(data, e);
        var categories = Categories(data, e);

        errors = e;
        if (e.Count > 0) return null;
        var occurred = (OccurredAt ?? now).ToUniversalTime();
        return new Valid(type!, externalId!, phone!, occurred, data, amount, categories, Hash(type!, phone!.E164, occurred, data));
    }

    /// <summary><c>data.amount</c> when given, else the items' sum (price × quantity); null when neither is present.</summary>
    private static decimal? Amount(JsonObject data, Dictionary<string, string[]> e)
    {
        if (data["amount"] is { } a)
        {
            if (Number(a) is { } v and >= 0) return v;
            e["data.amount"] = ["Amount must be a non-negative number."];
            return null;
        }

        if (data["items"] is not JsonArray items) return null;
        decimal sum = 0;
        var any = false;
        foreach (var item in items.OfType<JsonObject>())
        {
            if (item["price"] is not { } price) continue;
            var p = Number(price);
            var q = item["quantity"] is { } qty ? Number(qty) : 1;
            if (p is null || q is null || p < 0 || q < 0)
            {
                e["data.items"] = ["Item price and quantity must be non-negative numbers."];
                return null;
            }

            sum += p.Value * q.Value;
            any = true;
        }

        return any ? sum : null;
    }

    private static List<string> Categories(JsonObject data, Dictionary<string, string[]> e)
    {
        var result = new List<string>();
        switch (data["items"])
        {
            case null:
                return result;
            case JsonArray items:
                foreach (var item in items)
                {
                    if (item is not JsonObject o)
                    {
                        e["data.items"] = ["Items must be objects."];
                        return result;
                    }

                    if (o["category"] is not { } c) continue;
                    var name = NormalizeCategory(c.GetValueKind() == System.Text.Json.JsonValueKind.String ? c.GetValue<string>() : "");
                    if (name.Length is 0 or > CategoryMax)
                    {
                        e["data.items"] = [$"An item category must be text of 1 to {CategoryMax} characters."];
                        return result;
                    }

                    if (!result.Contains(name)) result.Add(name);
                }

                return result;
            default:
                e["data.items"] = ["Items must be an array."];
                return result;
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
