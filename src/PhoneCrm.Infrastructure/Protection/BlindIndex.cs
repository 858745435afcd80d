using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// Keyed blind indexes (HMAC-SHA256 truncated to 16 bytes) for exact lookup of encrypted columns.
/// Each kind has its own domain prefix so the same input yields unrelated indexes across kinds.
/// </summary>
public sealed class BlindIndex : IDisposable
{
    public const int Size = 16;
    private const int StackLimit = 256;

    // A reused HMAC context is about twice as fast as HMACSHA256.HashData; contexts are per thread
    // because they are not thread-safe. The index key never changes in-process, so none goes stale.
    private readonly ThreadLocal<IncrementalHash> _hmacs;
    private readonly byte[] _indexKey;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, byte[]> _tombstoneKeys = new();

    public BlindIndex(PiiKeyRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var key = ring.Keys.IndexKey;
        _indexKey = key;
        _hmacs = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key), trackAllValues: true);
    }

    /// <summary>Digits of an E.164 number; <c>+79161234567</c> and <c>79161234567</c> index the same.</summary>
    public byte[] Phone(string e164) => Compute("phone:"u8, Digits(e164, stackalloc char[32]));

    /// <summary>
    /// The number's last four digits, for partial search (<c>…4567</c>). Ten thousand values per tenant, so it narrows a
    /// search to about one contact in ten thousand without telling the database anyone's number.
    /// </summary>
    public byte[] PhoneSuffix(string e164)
    {
        var digits = Digits(e164, stackalloc char[32]);
        return Compute("phone4:"u8, digits.Length <= PhoneSuffixLength ? digits : digits[^PhoneSuffixLength..]);
    }

    public const int PhoneSuffixLength = 4;

    /// <summary>
    /// Erasure tombstone of a number in one tenant: HMAC-SHA256 of the number's <see cref="Phone"/> index under a key derived
    /// (HKDF) from the index key and the tenant id. Two tenants' tombstones of one number are unrelated, and none equals
    /// an index, so a tombstone links the erased person to nothing; it is computed from the index, so the send policy
    /// checks a contact's number without decrypting it.
    /// </summary>
    public byte[] Tombstone(Guid tenantId, byte[] phoneIndex)
    {
        ArgumentNullException.ThrowIfNull(phoneIndex);
        var key = _tombstoneKeys.GetOrAdd(tenantId, static (t, indexKey) => HKDF.DeriveKey(HashAlgorithmName.SHA256, indexKey,
            HMACSHA256.HashSizeInBytes, salt: [], info: Encoding.UTF8.GetBytes("tombstone:" + t.ToString("N"))), _indexKey);
        return HMACSHA256.HashData(key, phoneIndex);
    }

    /// <summary>Keyed hash of an arbitrary value (dedup keys of webhooks, one-time codes): not reversible without the index key.</summary>
    public byte[] Opaque(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Compute("opaque:"u8, value);
    }

    public byte[] Email(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var trimmed = email.AsSpan().Trim();
        if (trimmed.IsEmpty)
            throw new ArgumentException("Email is empty.", nameof(email));
        var lower = trimmed.Length <= StackLimit ? stackalloc char[trimmed.Length] : new char[trimmed.Length];
        trimmed.ToLowerInvariant(lower);
        return Compute("email:"u8, lower);
    }

    /// <summary>Index of one whole name word, normalised like <see cref="NameTokens"/>.</summary>
    public byte[] NameToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Compute("name:"u8, NormalizeNameToken(token));
    }

    /// <summary>Shortest and longest name beginnings indexed: «Пет» finds Петров; beyond seven letters a search compares the
    /// first seven, so «Константинов» also finds Константинова (what a prefix search means anyway).</summary>
    public const int MinPrefix = 3;
    public const int MaxPrefix = 7;

    /// <summary>
    /// What a typed search word is looked up by, normalised like <see cref="NameTokens"/>: a two-letter word by the whole
    /// word (a name like «Ли»), a longer one by its beginning (up to <see cref="MaxPrefix"/> letters). Null for a word too
    /// short to search.
    /// </summary>
    public byte[]? NameSearch(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var token = NormalizeNameToken(word);
        if (token.Length < 2) return null;
        return token.Length < MinPrefix ? Compute("name:"u8, token) : Compute("name^:"u8, token.AsSpan(0, Math.Min(token.Length, MaxPrefix)));
    }

    /// <summary>The search entries of a name: each word whole, and each of its beginnings of
    /// <see cref="MinPrefix"/>..<see cref="MaxPrefix"/> letters (a separate domain, so a beginning never equals a word).</summary>
    public IReadOnlyList<byte[]> NameTokens(string? firstName, string? lastName)
    {
        var tokens = TokenizeName(firstName, lastName);
        var entries = tokens.Select(t => Compute("name:"u8, t)).ToList();
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
            return mac[..Size].ToArray();
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}
