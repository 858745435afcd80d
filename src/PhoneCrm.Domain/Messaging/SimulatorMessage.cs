using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Messaging;

/// <summary>
/// What the built-in SMS simulator accepted: its own store, written in its own transaction like an external gateway's
/// database. One row per (tenant, idempotency key), so a resend returns the same <see cref="ProviderMessageId"/>.
/// </summary>
public sealed class SimulatorMessage : ITenantOwned
{
    public Guid TenantId { get; set; }
    public required string ProviderMessageId { get; set; }
    public required string IdempotencyKey { get; set; }
    /// <summary>Our <see cref="SmsMessage.Id"/> the request carried (for the outbox endpoint).</summary>
    public Guid MessageId { get; set; }
    /// <summary>E.164 encrypted with context <c>sms_simulator.phone</c>.</summary>
    public required byte[] PhoneCipher { get; set; }
    public required byte[] PhoneIndex { get; set; }
    /// <summary>Encrypted with context <c>sms_simulator.text</c>.</summary>
    public required byte[] TextCipher { get; set; }
    public string? Sender { get; set; }
    public int Segments { get; set; } = 1;
    public DateTimeOffset AcceptedAt { get; set; }
    /// <summary>When the simulated network reports delivery.</summary>
    public DateTimeOffset DeliverAt { get; set; }
    public string Status { get; set; } = SimulatorStatus.Accepted;
    public DateTimeOffset? ReportedAt { get; set; }
}

public static class SimulatorStatus
{
    public const string Accepted = "accepted";
    /// <summary>The delivery receipt was applied to the message.</summary>
    public const string Delivered = "delivered";
    /// <summary>No message ever claimed this provider id (the sender crashed and gave up): nothing to report.</summary>
    public const string Orphaned = "orphaned";
}
