using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Messaging;

/// <summary>
/// A person's «НОВЫЙ» reply and what followed: we ask for the new number, send a code to it, and change the contact's
/// phone when the new number answers with the code. At most one open request (awaiting a number or a code) per contact.
/// </summary>
public sealed class NumberChangeRequest : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ContactId { get; set; }
    /// <summary>Blind index of the number that sent «НОВЫЙ» (the contact's number at the time).</summary>
    public required byte[] OldPhoneIndex { get; set; }
    /// <summary>The number the person gave, E.164 encrypted with context <c>number_change.phone</c>.</summary>
    public byte[]? NewPhoneCipher { get; set; }
    public byte[]? NewPhoneIndex { get; set; }
    /// <summary>Keyed hash of the request id and the code sent to the new number (never stored in clear).</summary>
    public byte[]? CodeHash { get; set; }
    public int CodeAttempts { get; set; }
    public string Status { get; set; } = NumberChangeStatus.AwaitingNumber;
    /// <summary>Why it stopped short of completion (<see cref="NumberChangeReasons"/>).</summary>
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? NumberReceivedAt { get; set; }
    public DateTimeOffset? CodeSentAt { get; set; }
    /// <summary>When the current step (the number, then the code) stops being accepted.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    public bool IsOpen => Status is NumberChangeStatus.AwaitingNumber or NumberChangeStatus.AwaitingCode;
}

public static class NumberChangeStatus
{
    public const string AwaitingNumber = "awaiting_number";
    public const string AwaitingCode = "awaiting_code";
    public const string Completed = "completed";
    /// <summary>Needs a person (e.g. the new number belongs to another contact); the reply waits in the inbox.</summary>
    public const string NeedsReview = "needs_review";
    public const string Expired = "expired";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [AwaitingNumber, AwaitingCode, Completed, NeedsReview, Expired, Failed];
}

public static class NumberChangeReasons
{
    public const string PhoneTaken = "phoneTaken";
    public const string NumberTimeout = "numberTimeout";
    public const string CodeExpired = "codeExpired";
    public const string TooManyAttempts = "tooManyAttempts";
}
