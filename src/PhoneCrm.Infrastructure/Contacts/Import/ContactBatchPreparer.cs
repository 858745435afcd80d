using System.Collections.Concurrent;
using System.Security.Cryptography;
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

    // A suffix index has only 10,000 values per tenant (the number's last four digits) but costs two HMACs: each is
    // computed once per import. Slots are filled racily; two threads computing the same slot store equal bytes.
    private readonly byte[]?[] _suffixes = new byte[]?[10_000];

    // The city's zone (or none) depends only on the city's text, and a file has few distinct cities, while normalising
    // a place name costs more than the rest of the lookup (bounded like the name entries).
    private readonly ConcurrentDictionary<string, string?> _cityZones = new(StringComparer.Ordinal);
    private const int CityCapacity = 100_000;

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
        NewId(),
        phoneIndex,
        PhoneSuffix(r.Phone.E164),
        pii.Encrypt(r.Phone.E164, index.TenantId, ContactService.PhoneContext)!,
        r,
        pii.Encrypt(r.FirstName, index.TenantId, ContactService.FirstNameContext),
        pii.Encrypt(r.LastName, index.TenantId, ContactService.LastNameContext),
        pii.Encrypt(r.Email, index.TenantId, ContactService.EmailContext),
        r.Email is null ? null : index.Email(r.Email),
        _names.Get(r.FirstName),
        _names.Get(r.LastName),
        ZoneOf(r.City, r.Phone.E164),
        pii.Encrypt(r.MiddleName, index.TenantId, ContactService.MiddleNameContext),
        r.OtherPhones.Count == 0 ? null : pii.Encrypt(string.Join(", ", r.OtherPhones), index.TenantId, ContactService.OtherPhonesContext))
        { Tombstone = index.Tombstone(phoneIndex) };
    }

    /// <summary><see cref="TenantBlindIndex.PhoneSuffix"/>, remembered per last four digits.</summary>
    internal byte[] PhoneSuffix(string e164)
    {
        // E.164 from the parser: '+' and digits only; anything else is not worth a slot.
        if (e164.Length < 1 + BlindIndex.PhoneSuffixLength || e164[0] != '+' || e164.AsSpan(1).ContainsAnyExceptInRange('0', '9'))
            return index.PhoneSuffix(e164);
        var slot = 0;
        foreach (var c in e164.AsSpan(e164.Length - BlindIndex.PhoneSuffixLength)) slot = slot * 10 + (c - '0');
        return Volatile.Read(ref _suffixes[slot]) ?? (_suffixes[slot] = index.PhoneSuffix(e164));
    }

    /// <summary>What <c>TimeZoneResolver.Default.Resolve(city, null, e164, tenantZone)</c> says, the city's part remembered.</summary>
    internal string ZoneOf(string? city, string e164)
    {
        string? byCity = null;
        if (city is not null && !_cityZones.TryGetValue(city, out byCity))
        {
            byCity = TimeZoneResolver.Default.FindByCity(city);
            if (_cityZones.Count < CityCapacity) _cityZones.TryAdd(city, byCity);
        }

        // No region column in a contact file, so after the city comes the number, then the tenant's zone.
        return byCity ?? TimeZoneResolver.FindByNumber(e164) ?? tenantZone;
    }

    /// <summary>
    /// A version 7 id like <see cref="Guid.CreateVersion7()"/> (48-bit Unix milliseconds, version 7, variant 10, 74 random
    /// bits), the random bits cut from a per-thread block of CSPRNG output: <see cref="Guid.NewGuid"/> makes a system call
    /// per id on Linux, which cost as much as an encryption per row.
    /// </summary>
    internal static Guid NewId()
    {
        var block = _idBlock ??= new byte[IdBlockSize];
        if (_idPosition == 0) RandomNumberGenerator.Fill(block);
        Span<byte> id = stackalloc byte[16];
        block.AsSpan(_idPosition, 16).CopyTo(id);
        _idPosition = (_idPosition + 16) % IdBlockSize;
        var milliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++) id[i] = (byte)(milliseconds >> (8 * (5 - i)));
        id[6] = (byte)(0x70 | (id[6] & 0x0F));
        id[8] = (byte)(0x80 | (id[8] & 0x3F));
        return new Guid(id, bigEndian: true);
    }

    private const int IdBlockSize = 16 * 256;

    [ThreadStatic]
    private static byte[]? _idBlock;

    [ThreadStatic]
    private static int _idPosition;

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
