using System.Collections.Concurrent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Contacts.Import;

/// <summary>
/// What <see cref="ContactImportHandler"/> does to a batch before the database, for one file: normalise (in parallel),
/// drop numbers the file already had, then encrypt, index and place each valid row (in parallel). Its own class so that
/// <c>bench import-prepare</c> times exactly this code without a database. One instance per file; batches in file order.
/// </summary>
internal sealed class ContactBatchPreparer(ImportRowNormalizer normalizer, PiiProtector pii, TenantBlindIndex index, string tenantZone)
{
    // "Duplicate within the file" depends only on the file, so after a restart the numbers of the committed lines
    // are simply read again instead of being tracked row by row in the database.
    private readonly InFileDuplicateFilter _seen = new();

    // A name's search entries are ~6 HMAC pairs per word and names repeat a lot across a file: each distinct name
    // string is indexed once per import (bounded, so a file of all-different names costs only the lookups).
    private readonly NameTokenCache _names = new(index);

    public ImportRowNormalizer Normalizer => normalizer;

    public InFileDuplicateFilter Seen => _seen;

    /// <summary>Rows an earlier run committed: only their numbers are remembered.</summary>
    public void Replay(IReadOnlyList<SourceRow> committed)
    {
        foreach (var done in normalizer.NormalizeBatch(committed).OfType<NormalizedImportRow>()) _seen.Add(done.Phone);
    }

    /// <summary>The batch's valid new rows staged, the count of numbers seen earlier in the file, and the rejections.</summary>
    public (ContactImportHandler.StagedRow[] Staged, int Duplicates, RejectedRow[] Rejected) Prepare(IReadOnlyList<SourceRow> rows)
    {
        var results = normalizer.NormalizeBatch(rows);
        var normalized = results.OfType<NormalizedImportRow>().ToList();
        var valid = normalized.Where(r => _seen.Add(r.Phone)).ToList(); // in file order: the first line of a number wins
        var staged = new ContactImportHandler.StagedRow[valid.Count];
        Parallel.For(0, valid.Count, i => staged[i] = Stage(valid[i]));
        return (staged, normalized.Count - valid.Count, [.. results.OfType<RejectedRow>()]);
    }

    /// <summary>One valid row encrypted, indexed and placed in a time zone; thread-safe.</summary>
    public ContactImportHandler.StagedRow Stage(NormalizedImportRow r)
    {
        var phoneIndex = index.Phone(r.Phone.E164);
        return new ContactImportHandler.StagedRow(
        r.Line,
        Guid.CreateVersion7(),
        phoneIndex,
        index.PhoneSuffix(r.Phone.E164),
        pii.Encrypt(r.Phone.E164, index.TenantId, ContactService.PhoneContext)!,
        r,
        pii.Encrypt(r.FirstName, index.TenantId, ContactService.FirstNameContext),
        pii.Encrypt(r.LastName, index.TenantId, ContactService.LastNameContext),
        pii.Encrypt(r.Email, index.TenantId, ContactService.EmailContext),
        r.Email is null ? null : index.Email(r.Email),
        _names.Get(r.FirstName),
        _names.Get(r.LastName),
        TimeZoneResolver.Default.Resolve(r.City, null, r.Phone.E164, tenantZone).TimeZone,
        pii.Encrypt(r.MiddleName, index.TenantId, ContactService.MiddleNameContext),
        r.OtherPhones.Count == 0 ? null : pii.Encrypt(string.Join(", ", r.OtherPhones), index.TenantId, ContactService.OtherPhonesContext))
        { Tombstone = index.Tombstone(phoneIndex) };
    }

    /// <summary>The search entries of a first or last name (<see cref="TenantBlindIndex.NameTokens"/>), remembered per distinct
    /// string up to <see cref="Capacity"/> strings; thread-safe.</summary>
    private sealed class NameTokenCache(TenantBlindIndex index)
    {
        public const int Capacity = 200_000;

        private readonly ConcurrentDictionary<string, byte[][]> _tokens = new(StringComparer.Ordinal);

        public byte[][] Get(string? name)
        {
            if (name is null) return [];
            if (_tokens.TryGetValue(name, out var found)) return found;
            byte[][] tokens = [.. index.NameTokens(name, null)];
            if (_tokens.Count < Capacity) _tokens.TryAdd(name, tokens);
            return tokens;
        }
    }
}
