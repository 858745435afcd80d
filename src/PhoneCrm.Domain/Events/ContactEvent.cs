using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Events;

/// <summary>
/// Something a customer did or that happened to them (an order, a cart, a call), as the shop or site reported it.
/// <see cref="ExternalId"/> is the sender's idempotency key: unique per tenant.
/// </summary>
public sealed class ContactEvent : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ContactId { get; set; }
    public required string Type { get; set; }
    public required string ExternalId { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>The event's <c>data</c> object as sent (jsonb).</summary>
    public string Data { get; set; } = "{}";
    /// <summary>Order amount derived at ingest (data.amount, else the items' sum), so stats never re-parse JSON.</summary>
    public decimal? Amount { get; set; }
    /// <summary>SHA-256 of the canonical request, to tell a harmless retry (200) from a conflicting reuse (409).</summary>
    public required byte[] BodyHash { get; set; }
}

/// <summary>Event types of api-v1.md (wire names).</summary>
public static class EventTypes
{
    public const string OrderPlaced = "order_placed";
    public const string OrderPaid = "order_paid";
    public const string OrderShipped = "order_shipped";
    public const string OrderDelivered = "order_delivered";
    public const string CartAbandoned = "cart_abandoned";
    public const string CartRecovered = "cart_recovered";
    public const string AppointmentBooked = "appointment_booked";
    public const string PaymentDue = "payment_due";
    public const string CallUnanswered = "call_unanswered";
    public const string Custom = "custom";

    public static IReadOnlyList<string> All { get; } =
        [OrderPlaced, OrderPaid, OrderShipped, OrderDelivered, CartAbandoned, CartRecovered, AppointmentBooked, PaymentDue, CallUnanswered, Custom];

    /// <summary>Actions the customer took themselves: they set "last engaged" and end a run of unanswered contacts.</summary>
    public static IReadOnlyList<string> Engagement { get; } = [OrderPlaced, OrderPaid, CartAbandoned, CartRecovered, AppointmentBooked];

    public static bool IsOrder(string type) => type.StartsWith("order_", StringComparison.Ordinal);
}
