using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// Keyed blind indexes for exact lookup of encrypted columns. Every stored index is bound to its tenant
/// (<see cref="TenantBlindIndex"/>, from <see cref="ForTenant"/> or <see cref="ForTenantAsync"/>): the same number has
/// unrelated indexes in two tenants, so one tenant's rows cannot be joined to another's by the index.
/// </summary>
/// <remarks>
/// How a value is indexed: the <i>global</i> index <c>G = HMAC(index key, kind prefix + normalised value)[..16]</c>, each
/// kind with its own prefix (phone, email, name, …) so kinds never collide; then the tenant-bound index
/// <c>2 ‖ HMAC(K_t, G)[..16]</c> (17 bytes, leading version byte), where <c>K_t = HKDF(index key, "tombstone:" + tenant)</c>
/// is derived once per tenant and cached. Version 1 stored <c>G</c> itself (16 bytes); tenants are moved to version 2 by
/// <see cref="BlindIndexMigration"/>, which binds stored values without decrypting anything (<see cref="TenantBlindIndex.Bind"/>),
/// and the length tells a migrated value from a legacy one, so a pass can always finish what an earlier one left.
/// <para>
/// The HKDF label is historical: version 1 erasure tombstones were <c>HMAC(K_t, G)</c>, so a version-1 tombstone's first
/// 16 bytes are the number's version-2 index. That is what lets the migration carry the tombstones of erased numbers
/// — numbers nobody can decrypt any more — over to version 2 (<see cref="TenantBlindIndex.BindTombstone"/>).
/// </para>
/// </remarks>
public sealed class BlindIndex : IDisposable
{
    /// <summary>Length of a tenant-bound index: version byte and 16 bytes of HMAC.</summary>
    public const int Size = 17;
    /// <summary>Length of a version-1 (global, unbound) index.</summary>
    public const int LegacySize = 16;
    public const int LegacyVersion = 1;
    public const int TenantBoundVersion = 2;
    private const int StackLimit = 256;

    // A reused HMAC context is about twice as fast as HMACSHA256.HashData; contexts are per thread
    // because they are not thread-safe. The index key never changes in-process, so none goes stale.
    private readonly ThreadLocal<IncrementalHash> _hmacs;
    private readonly byte[] _indexKey;
    private readonly ConcurrentDictionary<(Guid, int), TenantBlindIndex> _tenants = new();
    // Tenants the database showed at version 2; versions only go up, so a bound tenant is never read again.
    private readonly ConcurrentDictionary<Guid, bool> _boundTenants = new();

    public BlindIndex(PiiKeyRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var key = ring.Keys.IndexKey;
        _indexKey = key;
        _hmacs = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key), trackAllValues: true);
    }

    /// <summary>The indexes of one tenant at one version (cached: the tenant key is derived once).</summary>
    public TenantBlindIndex ForTenant(Guid tenantId, int version)
    {
        if (version is not (LegacyVersion or TenantBoundVersion))
            throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown blind-index version.");
        return _tenants.GetOrAdd((tenantId, version), static (k, root) => new TenantBlindIndex(root, k.Item1, k.Item2), this);
    }

    /// <summary>
    /// The indexes of the unit of work's tenant at the version its stored data is at (<c>tenants.blind_index_version</c>).
    /// A tenant still at version 1 is read each time, so the migration's switch is seen at once.
    /// </summary>
    public ValueTask<TenantBlindIndex> ForTenantAsync(PhoneCrmDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return ForTenantAsync(db, db.Tenant.RequireTenant(), ct);
    }

    /// <summary>The indexes of <paramref name="tenantId"/> at the version its stored data is at.</summary>
    public async ValueTask<TenantBlindIndex> ForTenantAsync(PhoneCrmDbContext db, Guid tenantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (_boundTenants.ContainsKey(tenantId)) return ForTenant(tenantId, TenantBoundVersion);
        var version = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.BlindIndexVersion).SingleAsync(ct);
        if (version == TenantBoundVersion) _boundTenants.TryAdd(tenantId, true);
        return ForTenant(tenantId, version);
    }

    /// <summary>The erasure tombstone of a stored phone index of <paramref name="tenantId"/> (<see cref="TenantBlindIndex.Tombstone"/>).</summary>
    public byte[] Tombstone(Guid tenantId, byte[] phoneIndex) => ForTenant(tenantId, TenantBoundVersion).Tombstone(phoneIndex);

    /// <summary>Keyed hash of an arbitrary value (dedup keys of webhooks, one-time codes): not reversible without the index key.
    /// Not a lookup of personal data across rows, so not tenant-bound; callers that need it include the tenant in the value.</summary>
    public byte[] Opaque(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Compute("opaque:"u8, value);
    }

    internal byte[] IndexKey => _indexKey;

    /// <summary>Digits of an E.164 number; <c>+79161234567</c> and <c>79161234567</c> index the same.</summary>
    internal byte[] GlobalPhone(string e164) => Compute("phone:"u8, Digits(e164, stackalloc char[32]));

    internal byte[] GlobalPhoneSuffix(string e164)
    {
        var digits = Digits(e164, stackalloc char[32]);
        return Compute("phone4:"u8, digits.Length <= PhoneSuffixLength ? digits : digits[^PhoneSuffixLength..]);
    }

    /// <summary>
    /// The number's last four digits, for partial search (<c>…4567</c>). Ten thousand values per tenant, so it narrows a
    /// search to about one contact in ten thousand without telling the database anyone's number.
    /// </summary>
    public const int PhoneSuffixLength = 4;

    internal byte[] GlobalEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var trimmed = email.AsSpan().Trim();
        if (trimmed.IsEmpty)
            throw new ArgumentException("Email is empty.", nameof(email));
        var lower = trimmed.Length <= StackLimit ? stackalloc char[trimmed.Length] : new char[trimmed.Length];
        trimmed.ToLowerInvariant(lower);
        return Compute("email:"u8, lower);
    }

    internal byte[] GlobalNameToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Compute("name:"u8, NormalizeNameToken(token));
    }

    /// <summary>Shortest and longest name beginnings indexed: «Пет» finds Петров; beyond seven letters a search compares the
    /// first seven, so «Константинов» also finds Константинова (what a prefix search means anyway).</summary>
    public const int MinPrefix = 3;
    public const int MaxPrefix = 7;

    /// <summary>
    /// What a typed search word is looked up by, normalised like <see cref="TenantBlindIndex.NameTokens"/>: a two-letter word by the whole
    /// word (a name like «Ли»), a longer one by its beginning (up to <see cref="MaxPrefix"/> letters). Null for a word too
    /// short to search.
    /// </summary>
    internal byte[]? GlobalNameSearch(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var token = NormalizeNameToken(word);
        if (token.Length < 2) return null;
        return token.Length < MinPrefix ? Compute("name:"u8, token) : Compute("name^:"u8, token.AsSpan(0, Math.Min(token.Length, MaxPrefix)));
    }

    /// <summary>The search entries of a name, exactly what <see cref="GlobalNameSearch"/> looks up: a word shorter than
    /// <see cref="MinPrefix"/> whole, a longer one by each of its beginnings of <see cref="MinPrefix"/>..<see cref="MaxPrefix"/>
    /// letters (a separate domain, so a beginning never equals a word). No whole-word entry for a longer word: no search
    /// reads it, and every entry is a row and an index entry written by each import (issue 18).</summary>
    internal List<byte[]> GlobalNameTokens(string? firstName, string? lastName)
    {
        var tokens = TokenizeName(firstName, lastName);
        var entries = tokens.Where(t => t.Length < MinPrefix).Select(t => Compute("name:"u8, t)).ToList();
        var prefixes = new HashSet<string>(StringComparer.Ordinal); // «Иван Иванов» shares «ива», «иван»
        foreach (var token in tokens)
        {
            for (var length = MinPrefix; length <= Math.Min(token.Length, MaxPrefix); length++)
            {
                if (prefixes.Add(token[..length])) entries.Add(Compute("name^:"u8, token.AsSpan(0, length)));
            }
        }

        return entries;
    }

    /// <summary>
    /// Lower-case tokens split on whitespace and dashes, ё folded to е, shorter than 2 chars dropped, distinct.
    /// <c>"Анна-Мария Ёлкина"</c> → <c>анна, мария, елкина</c>.
    /// </summary>
    public static IReadOnlyList<string> TokenizeName(string? firstName, string? lastName)
    {
        var tokens = new List<string>();
        foreach (var part in new[] { firstName, lastName })
        {
            if (string.IsNullOrWhiteSpace(part))
                continue;
            var start = -1;
            for (var i = 0; i <= part.Length; i++)
            {
                var separator = i == part.Length || char.IsWhiteSpace(part[i])
                    || char.GetUnicodeCategory(part[i]) == UnicodeCategory.DashPunctuation;
                if (!separator && start < 0)
                    start = i;
                else if (separator && start >= 0)
                {
                    var token = NormalizeNameToken(part[start..i]);
                    if (token.Length >= 2 && !tokens.Contains(token))
                        tokens.Add(token);
                    start = -1;
                }
            }
        }
        return tokens;
    }

    public void Dispose()
    {
        foreach (var hmac in _hmacs.Values)
            hmac.Dispose();
        _hmacs.Dispose();
        foreach (var tenant in _tenants.Values)
            tenant.Dispose();
    }

    private static string NormalizeNameToken(string token)
    {
        // NFC first so a decomposed "е" + U+0308 also folds; trailing "," or "." is typing noise.
        var normalized = token.Normalize(NormalizationForm.FormC).ToLowerInvariant().Replace('ё', 'е');
        return normalized.Trim().Trim(".,;:!?\"'()".ToCharArray());
    }

    private static ReadOnlySpan<char> Digits(string e164, Span<char> buffer)
    {
        ArgumentNullException.ThrowIfNull(e164);
        var digits = e164.Length <= buffer.Length ? buffer : new char[e164.Length];
        var count = 0;
        foreach (var c in e164)
        {
            if (char.IsAsciiDigit(c))
                digits[count++] = c;
        }
        return count > 0 ? digits[..count] : throw new ArgumentException("Phone number has no digits.", nameof(e164));
    }

    private byte[] Compute(ReadOnlySpan<byte> prefix, ReadOnlySpan<char> value)
    {
        var length = prefix.Length + Encoding.UTF8.GetByteCount(value);
        byte[]? rented = null;
        var input = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            prefix.CopyTo(input);
            var written = Encoding.UTF8.GetBytes(value, input[prefix.Length..]);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            var hmac = _hmacs.Value!;
            hmac.AppendData(input[..(prefix.Length + written)]);
            hmac.GetHashAndReset(mac);
            return mac[..LegacySize].ToArray();
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}
