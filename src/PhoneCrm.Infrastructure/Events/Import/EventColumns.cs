using System.Globalization;
using System.Text.Json.Nodes;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Events.Import;

/// <summary>
/// The columns of an events file (header names case-insensitive, English or Russian). One line is one event; an order
/// over several consecutive lines with the same <c>external_id</c> is one event whose items are the lines' item columns
/// (<c>sku</c>, <c>item_name</c>, <c>category</c>, <c>price</c>, <c>quantity</c>); the other columns are read from its
/// first line. Without a <c>type</c> column every event is an <c>order_placed</c>.
/// </summary>
public static class EventColumns
{
    public const string Type = "type", ExternalId = "external_id", Phone = "phone", OccurredAt = "occurred_at", OrderId = "order_id",
        Amount = "amount", Currency = "currency", Sku = "sku", ItemName = "item_name", Category = "category", Price = "price",
        Quantity = "quantity", TrackingNumber = "tracking_number", CartUrl = "cart_url", AppointmentAt = "appointment_at";

    public static IReadOnlyList<string> All { get; } =
        [Type, ExternalId, Phone, OccurredAt, OrderId, Amount, Currency, Sku, ItemName, Category, Price, Quantity, TrackingNumber, CartUrl, AppointmentAt];

    public static IReadOnlyList<string> Required { get; } = [ExternalId, Phone];

    private static readonly Dictionary<string, string[]> _aliases = new(StringComparer.Ordinal)
    {
        [Type] = ["type", "event_type", "event", "тип", "событие"],
        [ExternalId] = ["external_id", "externalid", "event_id", "id", "идентификатор"],
        [Phone] = ["phone", "телефон", "phone_number", "mobile", "msisdn"],
        [OccurredAt] = ["occurred_at", "occurredat", "date", "datetime", "created_at", "дата", "время"],
        [OrderId] = ["order_id", "orderid", "order", "заказ", "номер_заказа"],
        [Amount] = ["amount", "total", "sum", "сумма"],
        [Currency] = ["currency", "валюта"],
        [Sku] = ["sku", "артикул"],
        [ItemName] = ["item_name", "item", "product", "name", "товар"],
        [Category] = ["category", "item_category", "категория"],
        [Price] = ["price", "item_price", "цена"],
        [Quantity] = ["quantity", "qty", "количество"],
        [TrackingNumber] = ["tracking_number", "tracking", "трек"],
        [CartUrl] = ["cart_url", "cart", "корзина"],
        [AppointmentAt] = ["appointment_at", "appointment", "запись"],
    };

    /// <summary>Field → column index, from the header names.</summary>
    public static Dictionary<string, int> Detect(IReadOnlyList<string> header)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = header.Select(h => h.Trim().Trim('\uFEFF').ToLowerInvariant().Replace(' ', '_').Replace('-', '_')).ToList();
        foreach (var (field, aliases) in _aliases)
        {
            var index = names.FindIndex(n => aliases.Contains(n));
            if (index >= 0 && !result.ContainsValue(index)) result[field] = index;
        }

        return result;
    }

    /// <summary>The wizard's choices (−1 = not imported) over what the header says.</summary>
    public static Dictionary<string, int> Resolve(IReadOnlyList<string> header, IReadOnlyDictionary<string, int>? chosen) =>
        chosen is { Count: > 0 }
            ? chosen.Where(c => All.Contains(c.Key) && c.Value >= 0).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal)
            : Detect(header);

    /// <summary>One event from its lines (all with the same external id); line-level problems become the event's errors.</summary>
    public static (EventInput Input, string? Error) ToInput(IReadOnlyList<SourceRow> lines, IReadOnlyDictionary<string, int> map)
    {
        var first = lines[0];
        string? Cell(SourceRow row, string field) =>
            map.TryGetValue(field, out var i) && row.Field(i) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var data = new JsonObject();
        string? error = null;
        void Text(string field, string key)
        {
            if (Cell(first, field) is { } v) data[key] = v;
        }

        Text(OrderId, "orderId");
        Text(Currency, "currency");
        Text(TrackingNumber, "trackingNumber");
        Text(CartUrl, "cartUrl");
        if (Cell(first, AppointmentAt) is { } appointment)
        {
            if (Time(appointment) is { } at) data["appointmentAt"] = at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            else error ??= $"appointment_at: cannot read the time '{appointment}'.";
        }

        if (Cell(first, Amount) is { } amount)
        {
            if (Number(amount) is { } a) data["amount"] = a;
            else error ??= $"amount: '{amount}' is not a number.";
        }

        var items = new JsonArray();
        foreach (var line in lines)
        {
            var item = new JsonObject();
            if (Cell(line, Sku) is { } sku) item["sku"] = sku;
            if (Cell(line, ItemName) is { } name) item["name"] = name;
            if (Cell(line, Category) is { } category) item["category"] = category;
            if (Cell(line, Price) is { } price)
            {
                if (Number(price) is { } p) item["price"] = p;
                else error ??= $"line {line.Line}: price '{price}' is not a number.";
            }

            if (Cell(line, Quantity) is { } quantity)
            {
                if (Number(quantity) is { } q) item["quantity"] = q;
                else error ??= $"line {line.Line}: quantity '{quantity}' is not a number.";
            }

            if (item.Count > 0) items.Add(item);
        }

        if (items.Count > 0) data["items"] = items;

        DateTimeOffset? occurred = null;
        if (Cell(first, OccurredAt) is { } when)
        {
            occurred = Time(when);
            if (occurred is null) error ??= $"occurred_at: cannot read the time '{when}'.";
        }

        var input = new EventInput
        {
            Type = map.ContainsKey(Type) ? Cell(first, Type) : Domain.Events.EventTypes.OrderPlaced,
            ExternalId = Cell(first, ExternalId),
            Phone = Cell(first, Phone),
            OccurredAt = occurred,
            Data = data,
        };
        return (input, error);
    }

    private static readonly string[] _timeFormats =
        ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd", "dd.MM.yyyy HH:mm:ss", "dd.MM.yyyy HH:mm", "dd.MM.yyyy"];

    /// <summary>ISO 8601 with offset, or a local form (2026-11-20 12:00, 20.11.2026) read as UTC.</summary>
    public static DateTimeOffset? Time(string s)
    {
        if (DateTimeOffset.TryParseExact(s, _timeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var local)) return local;
        return s.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso) ? iso : null;
    }

    /// <summary>A number with a dot or a comma as the decimal separator (spaces as thousands separators allowed).</summary>
    public static decimal? Number(string s) =>
        decimal.TryParse(s.Replace(" ", "", StringComparison.Ordinal).Replace('\u00A0'.ToString(), "", StringComparison.Ordinal).Replace(',', '.'),
            NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : null;
}
