using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Messaging;

/// <summary>
/// An SMS a person sent to the tenant's number. STOP replies are acted on at once; «НОВЫЙ» opens a number-change
/// request; anything else waits in the inbox for a person. Every reply is kept (text encrypted), even from unknown numbers.
/// </summary>
public sealed class InboundSms : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Sender E.164 (or the raw value when it does not parse), encrypted with context <c>sms_inbound.from</c>.</summary>
    public required byte[] FromCipher { get; set; }
    /// <summary>Blind index of the sender's E.164; null when the sender is not a phone number.</summary>
    public byte[]? FromIndex { get; set; }
    /// <summary>Our number or sender name the reply went to (not personal data).</summary>
    public string? To { get; set; }
    /// <summary>Encrypted with context <c>sms_inbound.text</c>.</summary>
    public required byte[] TextCipher { get; set; }
    public Guid? ContactId { get; set; }
    public string Kind { get; set; } = InboundKinds.Reply;
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? HandledAt { get; set; }
    public string? HandledBy { get; set; }
    /// <summary>When a staff member marked this reply as a complaint (api-v1 "Analytics": counted in the complaint rate of
    /// the marketing message it answers).</summary>
    public DateTimeOffset? ComplaintAt { get; set; }
    /// <summary>
    /// Keyed hash of the provider's message id, or of the normalised (from, to, text, receivedAt): unique per tenant, so a
    /// provider's retry of the same webhook is answered but processed once. Null when the payload carries neither an id
    /// nor a receivedAt (a retry cannot then be told from a second message).
    /// </summary>
    public byte[]? DedupKey { get; set; }
}

public static class InboundKinds
{
    /// <summary>A STOP word: consent withdrawn and number suppressed automatically (handled on arrival).</summary>
    public const string Stop = "stop";
    /// <summary>«НОВЫЙ» and the replies of the number-change flow (the new number, the code); see <c>NumberChangeRequest</c>.</summary>
    public const string NumberChange = "number_change";
    /// <summary>Anything else: a person reads and answers it.</summary>
    public const string Reply = "reply";

    public static readonly IReadOnlyList<string> All = [Stop, NumberChange, Reply];
}
