using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PhoneCrm.Domain.Consent;

/// <summary>The fields of one ledger record that the hash covers. Changing any of them breaks the chain.</summary>
public sealed record ChainedFields(
    long Seq,
    Guid Id,
    Guid ContactId,
    string Purpose,
    string Channel,
    string Action,
    string? LegalBasis,
    string Method,
    DateTimeOffset CapturedAt,
    DateTimeOffset RecordedAt,
    string? Ip,
    string? UserAgent,
    string? SourceUrl,
    Guid? TextVersionId,
    string? TextHash,
    string? FormVersion,
    string? RecordingId,
    string? PaperReference,
    DateTimeOffset? ExpiresAt,
    // Version 2 (null = a version-1 record): the salted digest of the personal evidence, which the hash covers instead
    // of the evidence itself, so an erasure can drop the evidence and the chain still verifies (docs/consent-chain.md).
    byte[]? EvidenceDigest = null,
    byte[]? EvidenceSalt = null,
    bool EvidenceErased = false)
{
    /// <summary>
    /// True when the personal evidence no longer matches the digest the hash covers (a tampered IP, page, …), or when a
    /// record marked erased still carries evidence (marking it erased must not become a way to change it unseen).
    /// </summary>
    public bool EvidenceTampered => EvidenceDigest is not null && (EvidenceErased
        ? (Ip ?? UserAgent ?? SourceUrl ?? RecordingId ?? PaperReference) is not null
        : EvidenceSalt is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(EvidenceDigest,
            ConsentChain.EvidenceDigest(EvidenceSalt, Ip, UserAgent, SourceUrl, RecordingId, PaperReference)));
}

/// <summary>
/// The tamper-evident ledger: each record's hash covers its own fields and the previous record's hash, per tenant.
/// Altering, deleting or reordering any record changes every hash after it, and verification names the first one.
/// </summary>
public static class ConsentChain
{
    public static readonly byte[] Genesis = new byte[32];

    public const int SaltSize = 32;

    /// <summary>
    /// SHA-256 of a random per-record salt and the personal evidence (IP, user agent, page, recording id, paper reference).
    /// The salt makes the digest useless for guessing the evidence (an IPv4 address alone is 2^32 guesses), and it is
    /// erased with the evidence, so what remains after an erasure reveals nothing.
    /// </summary>
    public static byte[] EvidenceDigest(byte[] salt, string? ip, string? userAgent, string? sourceUrl, string? recordingId,
        string? paperReference)
    {
        ArgumentNullException.ThrowIfNull(salt);
        var canonical = Encoding.UTF8.GetBytes(string.Join('\u001f', ip ?? "", userAgent ?? "", sourceUrl ?? "", recordingId ?? "",
            paperReference ?? ""));
        var buffer = new byte[salt.Length + canonical.Length];
        salt.CopyTo(buffer, 0);
        canonical.CopyTo(buffer, salt.Length);
        return SHA256.HashData(buffer);
    }

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltSize);

    public static byte[] Hash(byte[] previousHash, ChainedFields f)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        ArgumentNullException.ThrowIfNull(f);
        var canonical = f.EvidenceDigest is { } digest
            ? string.Join('\u001f', "v2",
                f.Seq.ToString(CultureInfo.InvariantCulture), f.Id.ToString("N"), f.ContactId.ToString("N"), f.Purpose, f.Channel,
                f.Action, f.LegalBasis ?? "", f.Method, Time(f.CapturedAt), Time(f.RecordedAt), Convert.ToHexString(digest),
                f.TextVersionId?.ToString("N") ?? "", f.TextHash ?? "", f.FormVersion ?? "", f.ExpiresAt is { } x ? Time(x) : "")
            : string.Join('\u001f',
            f.Seq.ToString(CultureInfo.InvariantCulture), f.Id.ToString("N"), f.ContactId.ToString("N"), f.Purpose, f.Channel,
            f.Action, f.LegalBasis ?? "", f.Method, Time(f.CapturedAt), Time(f.RecordedAt), f.Ip ?? "", f.UserAgent ?? "",
            f.SourceUrl ?? "", f.TextVersionId?.ToString("N") ?? "", f.TextHash ?? "", f.FormVersion ?? "", f.RecordingId ?? "",
            f.PaperReference ?? "", f.ExpiresAt is { } e ? Time(e) : "");
        var payload = Encoding.UTF8.GetBytes(canonical);
        var buffer = new byte[previousHash.Length + payload.Length];
        previousHash.CopyTo(buffer, 0);
        payload.CopyTo(buffer, previousHash.Length);
        return SHA256.HashData(buffer);
    }

    /// <summary>Walks records in sequence order; returns null when intact, else the first broken sequence number.</summary>
    public static long? FirstBroken(IEnumerable<(ChainedFields Fields, byte[] PreviousHash, byte[] Hash)> records)
    {
        var verifier = new ChainVerifier();
        foreach (var (fields, previous, hash) in records)
        {
            if (!verifier.Accept(fields, previous, hash)) return fields.Seq;
        }

        return null;
    }

    /// <summary>Microsecond precision, as PostgreSQL stores it, so a round trip hashes the same.</summary>
    private static string Time(DateTimeOffset t) =>
        new DateTimeOffset(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
}

/// <summary>
/// Verifies a chain one record at a time, so a ledger of any size is checked in constant memory (records arrive in
/// sequence order from a streaming reader or in chunks).
/// </summary>
public sealed class ChainVerifier
{
    /// <summary>A walk from the genesis.</summary>
    public ChainVerifier()
    {
    }

    /// <summary>A walk that continues after a verified checkpoint: the next record must follow <paramref name="seq"/> and <paramref name="hash"/>.</summary>
    public ChainVerifier(long seq, byte[] hash, long records)
    {
        LastSeq = seq;
        LastHash = hash;
        Count = records;
    }

    public byte[] LastHash { get; private set; } = ConsentChain.Genesis;
    public long LastSeq { get; private set; }
    public long Count { get; private set; }

    /// <summary>False when this record breaks the chain (wrong sequence, previous hash or own hash).</summary>
    public bool Accept(ChainedFields fields, byte[] previousHash, byte[] hash)
    {
        if (fields.Seq != LastSeq + 1
            || !CryptographicOperations.FixedTimeEquals(previousHash, LastHash)
            || !CryptographicOperations.FixedTimeEquals(hash, ConsentChain.Hash(previousHash, fields))
            || fields.EvidenceTampered)
            return false;
        LastHash = hash;
        LastSeq = fields.Seq;
        Count++;
        return true;
    }
}
