using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>How a grant or withdrawal was captured. <see cref="CapturedAt"/> null means "now".</summary>
public sealed record ConsentEvidence(
    string? Method,
    DateTimeOffset? CapturedAt = null,
    string? Ip = null,
    string? UserAgent = null,
    string? SourceUrl = null,
    string? FormVersion = null,
    string? RecordingId = null,
    string? PaperReference = null);

public sealed record GrantInput(string? Phone, string? Purpose, string? Channel, string? LegalBasis, Guid? TextVersionId,
    ConsentEvidence Evidence);

/// <summary>Errors are keyed by the API field name (<c>legalBasis</c>, <c>evidence.capturedAt</c>).</summary>
public sealed record GrantResult(ConsentRecord? Record, ValidationErrors Errors)
{
    public bool IsValid => Errors.IsValid;
}

public sealed record WithdrawResult(int Withdrawn, ValidationErrors Errors)
{
    public bool IsValid => Errors.IsValid;
}

/// <param name="Records">Records known good: the checkpoint's and those verified after it.</param>
/// <param name="CheckpointAt">When the checkpoint this walk started from was verified (null: verified from the genesis).</param>
public sealed record ChainVerification(bool Valid, long? FirstBrokenSeq, long Records, DateTimeOffset? CheckpointAt = null);

/// <summary>One ledger record with the state it produced: a grant is active (or expired by now), a withdrawal withdrawn.</summary>
public sealed record ConsentHistoryItem(ConsentRecord Record, string Status, DateTimeOffset? GrantedAt, DateTimeOffset? WithdrawnAt,
    DateTimeOffset? ExpiresAt)
{
    public static IReadOnlyList<ConsentHistoryItem> From(IEnumerable<ConsentRecord> records, DateTimeOffset now)
    {
        var lastGrant = new Dictionary<(string, string), DateTimeOffset>();
        var items = new List<ConsentHistoryItem>();
        foreach (var r in records.OrderBy(r => r.Seq))
        {
            if (r.Action == ConsentActions.Grant)
            {
                lastGrant[(r.Purpose, r.Channel)] = r.CapturedAt;
                var status = ConsentStatus.At(ConsentStatus.Active, r.ExpiresAt, now);
                items.Add(new(r, status, r.CapturedAt, null, r.ExpiresAt));
            }
            else
            {
                items.Add(new(r, ConsentStatus.Withdrawn, lastGrant.TryGetValue((r.Purpose, r.Channel), out var g) ? g : null, r.CapturedAt,
                    null));
            }
        }

        return items;
    }
}
