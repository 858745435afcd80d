using System.Globalization;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Requests;

public static class SubjectRequestStatuses
{
    public const string Received = "received";
    public const string Verified = "verified";
    public const string Completed = "completed";
    public const string Rejected = "rejected";

    public static readonly IReadOnlyList<string> All = [Received, Verified, Completed, Rejected];

    /// <summary>Still owed an answer: only these can be overdue.</summary>
    public static readonly IReadOnlyList<string> Open = [Received, Verified];
}

/// <summary>How the request reached the operator; the acknowledgement and the final notice go back the same way.</summary>
public static class SubjectRequestChannels
{
    public const string Phone = "phone";
    public const string Email = "email";
    public const string Web = "web";
    public const string Chat = "chat";
    public const string Letter = "letter";

    public static readonly IReadOnlyList<string> All = [Phone, Email, Web, Chat, Letter];

    /// <summary>Channels whose answer is an SMS to the person's number (no mailer exists: the others are recorded on the request).</summary>
    public static bool AnswersBySms(string channel) => channel is Phone or Web;
}

/// <summary>How the operator made sure the requester is the person the data is about.</summary>
public static class VerificationMethods
{
    public const string SmsCode = "sms_code";
    public const string Document = "document";
    public const string Callback = "callback";

    public static readonly IReadOnlyList<string> All = [SmsCode, Document, Callback];
}

/// <summary>Why a state move was refused (the API answers 409 with it).</summary>
public sealed record RequestConflict(string Message);

/// <summary>
/// A data-subject request (PRODUCT.md §2.7, api-v1.md "Data-subject requests"): received → verified → completed, or
/// rejected with a reason from either open state. The moves are pure methods that refuse what the lifecycle forbids
/// (a conflict), so the service only loads, calls and saves. Personal data (phone, name, email) is held encrypted by the
/// infrastructure; the phone's blind index finds the contact.
/// </summary>
public sealed class SubjectRequest : ITenantOwned
{
    public const int FullNameMax = 200;
    public const int EmailMax = 254;
    public const int NoteMax = 2000;

    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Per tenant and year: <c>DSR-2026-000123</c>.</summary>
    public required string Number { get; set; }
    public required string Type { get; set; }
    public required string Channel { get; set; }
    public string Status { get; set; } = SubjectRequestStatuses.Received;

    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    /// <summary>Access only, once: the due date moved by 5 working days with a reasoned notice to the person.</summary>
    public DateTimeOffset? ExtendedAt { get; set; }
    public string? ExtensionReason { get; set; }

    /// <summary>E.164 encrypted; null once the request's erasure ran (the request outlives the person's data).</summary>
    public byte[]? PhoneCipher { get; set; }
    public byte[]? PhoneIndex { get; set; }
    public byte[]? FullNameCipher { get; set; }
    public byte[]? EmailCipher { get; set; }
    /// <summary>The contact the request is about, found by the phone's (else the email's) blind index; null when the base does not know the person.</summary>
    public Guid? ContactId { get; set; }

    /// <summary>Who took the request: a staff member, an API key, or the person on the self-service page.</summary>
    public Guid? TakenByUserId { get; set; }
    public required string TakenBy { get; set; }
    public Guid? AssigneeId { get; set; }

    public DateTimeOffset? VerifiedAt { get; set; }
    public string? VerificationMethod { get; set; }
    public string? VerificationNote { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>What was done: the correction made (rectify), how many consents were withdrawn, what the report held.</summary>
    public string? Resolution { get; set; }
    public DateTimeOffset? RejectedAt { get; set; }
    public string? RejectionReason { get; set; }
    /// <summary>The access report as delivered, encrypted JSON (it is the person's data).</summary>
    public byte[]? ReportCipher { get; set; }
    /// <summary>The act of destruction of an executed erasure.</summary>
    public Guid? DestructionActId { get; set; }

    /// <summary>Set once by the deadlines job when the request first became due soon / overdue (what the dashboard counts).</summary>
    public DateTimeOffset? DueSoonMarkedAt { get; set; }
    public DateTimeOffset? OverdueMarkedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsOpen => Status is SubjectRequestStatuses.Received or SubjectRequestStatuses.Verified;

    public bool IsOverdue(DateTimeOffset now) => IsOpen && DueAt < now;

    public bool CanExtend => Type == SubjectRequestTypes.Access && IsOpen && ExtendedAt is null;

    public static string FormatNumber(int year, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"DSR-{year:D4}-{sequence:D6}");

    /// <summary>The person's identity is confirmed; a verified request may be verified again (a second check adds nothing).</summary>
    public RequestConflict? Verify(string method, string? note, DateTimeOffset at)
    {
        if (!VerificationMethods.All.Contains(method)) throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown verification method.");
        if (!IsOpen) return new RequestConflict($"The request is already {Status}.");
        if (Status == SubjectRequestStatuses.Verified) return null;
        Status = SubjectRequestStatuses.Verified;
        VerificationMethod = method;
        VerificationNote = note;
        VerifiedAt = at;
        UpdatedAt = at;
        return null;
    }

    /// <summary>Why <see cref="Complete"/> would be refused now, or null: only a verified request is executed.</summary>
    public RequestConflict? CheckExecutable() => Status switch
    {
        SubjectRequestStatuses.Verified => null,
        SubjectRequestStatuses.Received => new RequestConflict("The request is not verified: verify the person's identity before executing it."),
        _ => new RequestConflict($"The request is already {Status}."),
    };

    public RequestConflict? Complete(string? resolution, DateTimeOffset at)
    {
        if (CheckExecutable() is { } conflict) return conflict;
        Status = SubjectRequestStatuses.Completed;
        Resolution = resolution;
        CompletedAt = at;
        UpdatedAt = at;
        return null;
    }

    public RequestConflict? Reject(string reason, DateTimeOffset at)
    {
        if (!IsOpen) return new RequestConflict($"The request is already {Status}.");
        Status = SubjectRequestStatuses.Rejected;
        RejectionReason = reason;
        RejectedAt = at;
        UpdatedAt = at;
        return null;
    }

    /// <summary>Access only, once, with the reason the person is told (152-FZ Art. 20 p.3: +5 working days with a reasoned notice).</summary>
    public RequestConflict? Extend(string reason, DateTimeOffset newDueAt, DateTimeOffset at)
    {
        if (Type != SubjectRequestTypes.Access) return new RequestConflict("Only an access request can be extended.");
        if (!IsOpen) return new RequestConflict($"The request is already {Status}.");
        if (ExtendedAt is not null) return new RequestConflict("The request has already been extended once.");
        ExtendedAt = at;
        ExtensionReason = reason;
        DueAt = newDueAt;
        OverdueMarkedAt = null;
        DueSoonMarkedAt = null;
        UpdatedAt = at;
        return null;
    }

    public RequestConflict? Assign(Guid? assigneeId, DateTimeOffset at)
    {
        if (!IsOpen) return new RequestConflict($"The request is already {Status}.");
        AssigneeId = assigneeId;
        UpdatedAt = at;
        return null;
    }

    /// <summary>After an erasure the request keeps its number, dates and act, never the person's data.</summary>
    public void ForgetPerson()
    {
        PhoneCipher = null;
        PhoneIndex = null;
        FullNameCipher = null;
        EmailCipher = null;
        ReportCipher = null;
    }
}

/// <summary>
/// A message to the person about their request: the acknowledgement at intake, the extension notice, the final answer.
/// SMS for phone and web requests (sent through the send policy; the message id links it), recorded text otherwise
/// (email, chat and letter answers are sent by staff outside the product; the text kept here is what they send).
/// </summary>
public sealed class SubjectRequestNotice : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid RequestId { get; set; }
    public required string Kind { get; set; }
    public required string Channel { get; set; }
    public required string Text { get; set; }
    /// <summary>The SMS queued for it; null when recorded only or when the send policy refused the number.</summary>
    public Guid? SmsMessageId { get; set; }
    /// <summary><c>sms_queued</c>, <c>sms_refused</c> (with the policy's reason) or <c>recorded</c>.</summary>
    public required string Delivery { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public static class NoticeKinds
{
    public const string Acknowledgement = "acknowledgement";
    public const string Extension = "extension";
    public const string Final = "final";
}

public static class NoticeDelivery
{
    public const string SmsQueued = "sms_queued";
    public const string SmsRefused = "sms_refused";
    public const string Recorded = "recorded";
}

/// <summary>The per-tenant-and-year sequence behind request numbers; one row per year, advanced by one atomic UPDATE.</summary>
public sealed class SubjectRequestCounter : ITenantOwned
{
    public Guid TenantId { get; set; }
    public int Year { get; set; }
    public long LastNumber { get; set; }
}

/// <summary>
/// The tenant's promised answer terms (PRODUCT.md §2.7: "the tenant may promise shorter"); null = the legal term. A
/// longer promise is ignored by <see cref="RequestDeadlines.Term"/>.
/// </summary>
public sealed class SubjectRequestSettings : ITenantOwned
{
    public Guid TenantId { get; set; }
    public int? AccessDays { get; set; }
    public int? RectifyDays { get; set; }
    public int? ErasureDays { get; set; }
    public int? WithdrawAllDays { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public int? PromisedDays(string type) => type switch
    {
        SubjectRequestTypes.Access => AccessDays,
        SubjectRequestTypes.Rectify => RectifyDays,
        SubjectRequestTypes.Erasure => ErasureDays,
        SubjectRequestTypes.WithdrawAll => WithdrawAllDays,
        _ => null,
    };
}

/// <summary>
/// The self-service page's proof of the number: a 6-digit code sent by SMS; only its hash is kept. The request is
/// created (already verified by <c>sms_code</c>) when the right code comes back; nothing exists for an unproven number.
/// </summary>
public sealed class SubjectRequestChallenge : ITenantOwned, PhoneCrm.Domain.Messaging.ICodeChallenge
{
    public const int MaxAttempts = 5;

    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Type { get; set; }
    /// <summary>Null once consumed or expired and swept: the challenge keeps only what the limits count.</summary>
    public byte[]? PhoneCipher { get; set; }
    public required byte[] PhoneIndex { get; set; }
    public byte[]? FullNameCipher { get; set; }
    public byte[]? EmailCipher { get; set; }
    public required byte[] CodeHash { get; set; }
    public int Attempts { get; set; }
    public string? Ip { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
    public Guid? RequestId { get; set; }
    public Guid? SmsMessageId { get; set; }
}
