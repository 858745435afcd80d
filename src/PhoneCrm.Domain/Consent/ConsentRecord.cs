using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Consent;

public static class ConsentActions
{
    public const string Grant = "grant";
    public const string Withdraw = "withdraw";
}

public static class ConsentStatus
{
    public const string Active = "active";
    public const string Withdrawn = "withdrawn";
    /// <summary>Never stored: computed as active with <c>expires_at &lt;= now()</c>.</summary>
    public const string Expired = "expired";

    /// <summary>A stored status as it stands at <paramref name="now"/>: an active consent past its expiry has expired.</summary>
    public static string At(string status, DateTimeOffset? expiresAt, DateTimeOffset now) =>
        status == Active && expiresAt is { } e && e <= now ? Expired : status;
}

/// <summary>One grant or withdrawal in the append-only, hash-chained ledger of a tenant.</summary>
public sealed class ConsentRecord : ITenantOwned
{
    public Guid TenantId { get; set; }
    public long Seq { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ContactId { get; set; }
    public required string Purpose { get; set; }
    public required string Channel { get; set; }
    public required string Action { get; set; }
    public string? LegalBasis { get; set; }
    public required string Method { get; set; }
    public DateTimeOffset CapturedAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public string? SourceUrl { get; set; }
    public Guid? TextVersionId { get; set; }
    public string? TextHash { get; set; }
    public string? FormVersion { get; set; }
    public string? RecordingId { get; set; }
    public string? PaperReference { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    /// <summary>Random salt of <see cref="EvidenceDigest"/>; erased with the evidence.</summary>
    public byte[]? EvidenceSalt { get; set; }
    /// <summary>
    /// <see cref="ConsentChain.EvidenceDigest"/> of the personal evidence; the hash covers it instead of the evidence, so an
    /// erasure drops the evidence and the chain still verifies. Null on records chained before version 2.
    /// </summary>
    public byte[]? EvidenceDigest { get; set; }
    /// <summary>When an erasure dropped the personal evidence (IP, user agent, page, recording, paper reference).</summary>
    public DateTimeOffset? EvidenceErasedAt { get; set; }
    public required byte[] PrevHash { get; set; }
    public required byte[] Hash { get; set; }

    /// <summary>The evidence as proofs and access reports show it.</summary>
    public RecordEvidence Evidence() => new(Method, CapturedAt, RecordedAt, Ip, UserAgent, SourceUrl, FormVersion, RecordingId, PaperReference);

    /// <summary>The consent text version shown, by id and the SHA-256 of its words; null when the record cites none.</summary>
    public TextVersionRef? TextVersion() => TextVersionId is { } id ? new TextVersionRef(id, TextHash ?? "") : null;

    public ChainedFields Fields() => new(Seq, Id, ContactId, Purpose, Channel, Action, LegalBasis, Method, CapturedAt, RecordedAt, Ip,
        UserAgent, SourceUrl, TextVersionId, TextHash, FormVersion, RecordingId, PaperReference, ExpiresAt, EvidenceDigest, EvidenceSalt,
        EvidenceErasedAt is not null);

    /// <summary>Seals the personal evidence as it stands: a fresh salt and its digest (before the record is hashed).</summary>
    public void SealEvidence()
    {
        EvidenceSalt = ConsentChain.NewSalt();
        EvidenceDigest = ConsentChain.EvidenceDigest(EvidenceSalt, Ip, UserAgent, SourceUrl, RecordingId, PaperReference);
    }
}

/// <summary>How and when a ledger record was captured: the evidence a proof or an access report shows.</summary>
public sealed record RecordEvidence(string Method, DateTimeOffset CapturedAt, DateTimeOffset RecordedAt, string? Ip, string? UserAgent,
    string? SourceUrl, string? FormVersion, string? RecordingId, string? PaperReference);

/// <summary>A consent text version by id with the SHA-256 of its exact words.</summary>
public sealed record TextVersionRef(Guid Id, string Sha256);

/// <summary>The end of a tenant's chain. Appends lock this row, which serialises them per tenant.</summary>
public sealed class ConsentChainHead : ITenantOwned
{
    public Guid TenantId { get; set; }
    public long LastSeq { get; set; }
    public required byte[] LastHash { get; set; }
}

/// <summary>
/// A point up to which the chain was verified whole (the <c>consent-chain-checkpoint</c> job). Pages and proofs verify
/// only from the latest checkpoint on, so their cost follows what was appended since, not the ledger's age; the
/// compliance officer can still ask for a full re-verification.
/// </summary>
public sealed class ConsentChainCheckpoint : ITenantOwned
{
    public Guid TenantId { get; set; }
    public long Seq { get; set; }
    public required byte[] Hash { get; set; }
    /// <summary>Records in the chain up to <see cref="Seq"/>.</summary>
    public long Records { get; set; }
    public DateTimeOffset VerifiedAt { get; set; }
}

/// <summary>
/// The current state per contact × purpose × channel, written in the same transaction as each ledger append, so
/// the send policy can ask it cheaply and it never disagrees with the ledger.
/// </summary>
public sealed class ConsentState : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid ContactId { get; set; }
    public required string Purpose { get; set; }
    public required string Channel { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public string? LegalBasis { get; set; }
    public Guid LastRecordId { get; set; }

    public string EffectiveStatus(DateTimeOffset now) => ConsentStatus.At(Status, ExpiresAt, now);
}
