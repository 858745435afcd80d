using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Messaging;

/// <summary>
/// One SMS to one phone, from any source (campaign, automation, test send, consent code, opt-out confirmation).
/// It is created <see cref="SmsStatus.Queued"/> before any provider call; <see cref="IdempotencyKey"/> is unique per
/// tenant and travels to the provider, so a retry after a crash can never produce a second message.
/// Phone and text are personal data and stored only encrypted.
/// </summary>
public sealed class SmsMessage : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid? ContactId { get; set; }
    public Guid? CampaignId { get; set; }
    public string Kind { get; set; } = SmsKinds.Campaign;
    /// <summary>Consent purpose the message is sent under (<c>marketing</c>, <c>transactional</c>, …).</summary>
    public required string Purpose { get; set; }
    public string Category { get; set; } = SmsCategories.Transactional;
    /// <summary>
    /// The consent ledger record (a grant, on consent or on a transactional basis such as a contract) that allowed this
    /// message when it was queued: the proof behind the message. Null for a team test send and for an answer to the
    /// person's own action (a code they asked for, their STOP confirmation), whose basis is that action.
    /// </summary>
    public Guid? ConsentRecordId { get; set; }
    /// <summary>E.164 encrypted with context <c>sms.phone</c>.</summary>
    public required byte[] PhoneCipher { get; set; }
    /// <summary>Blind index of the E.164 digits (same key as contacts), for lookup by phone.</summary>
    public required byte[] PhoneIndex { get; set; }
    /// <summary>The rendered text encrypted with context <c>sms.text</c>.</summary>
    public required byte[] TextCipher { get; set; }
    public int Segments { get; set; } = 1;
    public decimal Cost { get; set; }
    public required string IdempotencyKey { get; set; }
    public string? Provider { get; set; }
    public string? ProviderMessageId { get; set; }
    public string Status { get; set; } = SmsStatus.Queued;
    public string? ErrorCode { get; set; }
    public string? LastError { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? StatusAt { get; set; }
}

public static class SmsStatus
{
    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Undelivered = "undelivered";
    public const string Expired = "expired";
    public const string Rejected = "rejected";
    public const string Read = "read";
    /// <summary>Given up after the retries, never accepted by the provider.</summary>
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Queued, Sent, Delivered, Undelivered, Expired, Rejected, Read, Failed];
    /// <summary>States a delivery receipt may report (api-v1 <c>/sms/status</c>).</summary>
    public static readonly IReadOnlyList<string> Receipts = [Delivered, Undelivered, Expired, Rejected, Read];
}

public static class SmsKinds
{
    public const string Campaign = "campaign";
    public const string Automation = "automation";
    public const string Test = "test";
    public const string ConsentCode = "consent_code";
    public const string OptOutConfirmation = "opt_out_confirmation";
    public const string Reply = "reply";
    /// <summary>The number-change flow's service messages (ask for the number, the code, the result).</summary>
    public const string NumberChange = "number_change";
    /// <summary>The data-subject self-service page's code proving the number.</summary>
    public const string SubjectRequestCode = "subject_request_code";
    /// <summary>The acknowledgement, extension and final answer of a data-subject request.</summary>
    public const string SubjectRequestNotice = "subject_request_notice";
    /// <summary>The re-consent request of <c>hygiene-reconsent</c>: transactional, within the per-day cap.</summary>
    public const string Reconsent = "reconsent";
}

/// <summary>Caps differ by category (PRODUCT §2.4): transactional ignores marketing caps.</summary>
public static class SmsCategories
{
    public const string Transactional = "transactional";
    public const string Informational = "informational";
    public const string Promotional = "promotional";
}
