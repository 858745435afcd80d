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
    DateTimeOffset? ExpiresAt);

/// <summary>
/// The tamper-evident ledger: each record's hash covers its own fields and the previous record's hash, per tenant.
/// Altering, deleting or reordering any record changes every hash after it, and verification names the first one.
/// </summary>
public static class ConsentChain
{
    public static readonly byte[] Genesis = new byte[32];

    public static byte[] Hash(byte[] previousHash, ChainedFields f)
    {
        var canonical = string.Join('\u001f',
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
        var expectedPrevious = Genesis;
        long expectedSeq = 1;
        foreach (var (fields, previous, hash) in records)
        {
            if (fields.Seq != expectedSeq
                || !CryptographicOperations.FixedTimeEquals(previous, expectedPrevious)
                || !CryptographicOperations.FixedTimeEquals(hash, Hash(previous, fields)))
                return fields.Seq;
            expectedPrevious = hash;
            expectedSeq++;
        }

        return null;
    }

    /// <summary>Microsecond precision, as PostgreSQL stores it, so a round trip hashes the same.</summary>
    private static string Time(DateTimeOffset t) =>
        new DateTimeOffset(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
}
