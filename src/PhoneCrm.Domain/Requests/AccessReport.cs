using PhoneCrm.Domain.Consent;

namespace PhoneCrm.Domain.Requests;

/// <summary>
/// The answer to an access request (152-FZ Art. 14; PRODUCT.md §2.7): everything the tenant holds about one person —
/// what, why (purposes and legal bases), since when, from where, who else received it and how long it is kept.
/// Serialised camelCase into <c>GET /api/v1/subject-requests/{id}</c>, <c>GET /api/v1/contacts/{id}/access-report</c>
/// and rendered as the page and the PDF delivered to the person. Times are UTC.
/// </summary>
/// <param name="Held">False: nothing is held about the person (no contact, or it was erased); every list is empty.</param>
/// <param name="HeldSince">The earliest moment anything about the person was recorded (contact, consent or event).</param>
public sealed record AccessReport(
    Guid? ContactId,
    bool Held,
    DateTimeOffset GeneratedAt,
    AccessReportSubject? Subject,
    IReadOnlyList<AccessReportConsent> Consents,
    IReadOnlyList<AccessReportPurpose> Purposes,
    IReadOnlyList<string> LegalBases,
    IReadOnlyList<AccessReportSource> Sources,
    AccessReportRecipients Recipients,
    DateTimeOffset? HeldSince,
    AccessReportCounts Counts)
{
    /// <summary>Days within which data is destroyed once its purpose is achieved or its consent withdrawn or expired (152-FZ Art. 21 p.4–5).</summary>
    public const int DestructionDays = 30;

    /// <summary>The report for a person of whom nothing is held.</summary>
    public static AccessReport NothingHeld(DateTimeOffset generatedAt) =>
        new(null, false, generatedAt, null, [], [], [], [], AccessReportRecipients.None, null, AccessReportCounts.Zero);
}

/// <summary>The contact's own fields, decrypted. <paramref name="Attributes"/> is the custom attributes' JSON object.</summary>
public sealed record AccessReportSubject(
    string Phone,
    string? FirstName,
    string? LastName,
    string? Email,
    string? City,
    string Gender,
    DateOnly? BirthDate,
    IReadOnlyList<string> Tags,
    string Attributes,
    string PhoneType,
    string? Carrier,
    string PhoneRegion,
    string TimeZone,
    string Status,
    string? MarketingFrequency,
    IReadOnlyList<string> PurchasedCategories,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One record of the consent ledger about the person, with its evidence and the text version shown.</summary>
public sealed record AccessReportConsent(
    Guid Id,
    long Seq,
    string Action,
    string Purpose,
    string Channel,
    string? LegalBasis,
    DateTimeOffset? ExpiresAt,
    RecordEvidence Evidence,
    TextVersionRef? TextVersion);

/// <summary>
/// One purpose × channel the person's data is processed for, as it stands now: its basis, since when, and until when it
/// is kept — <paramref name="ValidityDays"/> is the purpose's term (null: until withdrawn or the contract ends);
/// <paramref name="RetainedUntil"/> the latest day of destruction when the consent was withdrawn or has expired
/// (<paramref name="DestructionDays"/> after it: the purpose's own term, at most the law's
/// <see cref="AccessReport.DestructionDays"/>), null while it holds without a fixed end.
/// </summary>
public sealed record AccessReportPurpose(
    string Purpose,
    string Name,
    string Channel,
    string? LegalBasis,
    string Status,
    DateTimeOffset Since,
    DateTimeOffset? WithdrawnAt,
    DateTimeOffset? ExpiresAt,
    int? ValidityDays,
    int DestructionDays,
    DateTimeOffset? RetainedUntil)
{
    /// <summary>Until when this purpose's data may be kept: withdrawal or expiry plus the purpose's destruction term.</summary>
    public static DateTimeOffset? RetentionEnd(DateTimeOffset? withdrawnAt, DateTimeOffset? expiresAt, int destructionDays) =>
        (withdrawnAt ?? expiresAt) is { } end ? end.AddDays(destructionDays) : null;
}

/// <summary>Where the data came from: <paramref name="Kind"/> <c>contact</c> (the contact's first source) or <c>consent</c> (a capture method).</summary>
public sealed record AccessReportSource(string Kind, string Channel, string? Detail, DateTimeOffset Since);

/// <summary>Third parties that received the person's data: SMS providers that carried their messages, ad platforms their hashed number went to.</summary>
public sealed record AccessReportRecipients(IReadOnlyList<AccessReportRecipient> SmsProviders, IReadOnlyList<AccessReportRecipient> AdPlatforms)
{
    public static AccessReportRecipients None { get; } = new([], []);
}

/// <summary>One recipient: its name, how many times it received data and when first and last.</summary>
public sealed record AccessReportRecipient(string Name, int Count, DateTimeOffset FirstAt, DateTimeOffset LastAt);

public sealed record AccessReportCounts(int MessagesSent, int MessagesReceived, int Events, int Orders, int Notes)
{
    public static AccessReportCounts Zero { get; } = new(0, 0, 0, 0, 0);
}
