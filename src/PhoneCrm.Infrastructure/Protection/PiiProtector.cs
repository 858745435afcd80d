using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// AES-256-GCM for personal data columns. Layout: format (1) | key-id length (1) | key id (ASCII) |
/// nonce (12) | ciphertext | tag (16). Associated data (format 2, every new value) is the header, the owning tenant's
/// id (16 bytes, big-endian) and the caller's context naming table and column (e.g. <c>contact.phone</c>), so a value
/// cannot be moved to another column or another tenant's row, nor relabelled with another key or format.
/// </summary>
/// <remarks>
/// Format 1 (written before issue 12 item 3) has no tenant in its associated data; it is still read, and
/// <see cref="PiiRotation"/> rewrites it as format 2 (job <see cref="PiiTenantBinding.JobId"/>). A format-2 value cannot be
/// passed off as format 1: the format byte is part of the associated data. Random 96-bit nonces: rotate a key well
/// before 2^32 encryptions with it.
/// </remarks>
public sealed class PiiProtector : IDisposable
{
    /// <summary>The owner of values that belong to no tenant: platform accounts' second factors, the data-protection keys.</summary>
    public static readonly Guid Platform = Guid.Empty;

    /// <summary>First byte of a value written before tenant binding: its associated data names no tenant. Read, never written.</summary>
    public const byte LegacyFormat = PiiKeySet.LegacyFormat;

    /// <summary>First byte of every new value: its associated data names the owning tenant.</summary>
    public const byte TenantBoundFormat = PiiKeySet.TenantBoundFormat;

    private const int TenantIdSize = 16;
    private const int NonceSize = NonceSource.NonceSize;
    private const int TagSize = 16;
    private const int StackLimit = 256;

    private readonly PiiKeyRing _ring;

    // AesGcm is not thread-safe and costly to create, so each thread keeps one per key id.
    private readonly ThreadLocal<Dictionary<string, AesGcm>> _ciphers =
        new(() => new Dictionary<string, AesGcm>(StringComparer.Ordinal), trackAllValues: true);

    public PiiProtector(PiiKeyRing ring) => _ring = ring;

    public string ActiveKeyId => _ring.ActiveKeyId;

    /// <summary>Seals a value owned by <paramref name="tenantId"/> (<see cref="Platform"/> for none) for the column <paramref name="context"/>.</summary>
    public byte[]? Encrypt(string? plaintext, Guid tenantId, string context)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        if (plaintext is null)
            return null;

        var keys = _ring.Keys;
        var header = keys.ActiveHeader;
        var length = Encoding.UTF8.GetByteCount(plaintext);
        var output = new byte[header.Length + NonceSize + length + TagSize];
        header.CopyTo(output, 0);
        var nonce = output.AsSpan(header.Length, NonceSize);
        NonceSource.Fill(nonce);

        byte[]? rented = null;
        var plain = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            plain = plain[..Encoding.UTF8.GetBytes(plaintext, plain)];
            Span<byte> aadBuffer = stackalloc byte[StackLimit];
            var aad = AssociatedData(header, tenantId, context, aadBuffer);
            Cipher(keys, keys.ActiveKeyId).Encrypt(nonce, plain,
                output.AsSpan(header.Length + NonceSize, length), output.AsSpan(output.Length - TagSize), aad);
            return output;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>The value, if it was sealed for <paramref name="tenantId"/> and <paramref name="context"/> (or is format 1, which names no tenant).</summary>
    /// <exception cref="PiiDecryptionException">Tampered, moved from another row's tenant or column, or an unknown key.</exception>
    public string? Decrypt(byte[]? cipher, Guid tenantId, string context)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        if (cipher is null)
            return null;

        var keyId = KeyIdOf(cipher) ?? throw new PiiDecryptionException($"Not a protected value ({context}): bad header or too short.");
        var keys = _ring.Keys;
        // A key another node just rotated in: it is in the shared key file already (persisted before use), so read it.
        if (!keys.Keys.ContainsKey(keyId) && _ring.Refresh())
            keys = _ring.Keys;
        if (!keys.Keys.ContainsKey(keyId))
            throw new PiiDecryptionException($"Unknown key id '{keyId}' ({context}); is the key ring complete?");

        var headerLength = 2 + keyId.Length;
        var length = cipher.Length - headerLength - NonceSize - TagSize;
        byte[]? rented = null;
        var plain = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        plain = plain[..length];
        try
        {
            Span<byte> aadBuffer = stackalloc byte[StackLimit];
            var aad = AssociatedData(cipher.AsSpan(0, headerLength), tenantId, context, aadBuffer);
            Cipher(keys, keyId).Decrypt(cipher.AsSpan(headerLength, NonceSize), cipher.AsSpan(headerLength + NonceSize, length),
                cipher.AsSpan(cipher.Length - TagSize), plain, aad);
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new PiiDecryptionException($"Protected value failed authentication ({context}, key '{keyId}'): tampered, or another tenant's or column's value.", e);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>Bytes (a customer's uploaded file, in chunks) sealed like a string value: same layout, ring and context rule.</summary>
    public byte[] EncryptBytes(ReadOnlySpan<byte> plain, Guid tenantId, string context)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        var keys = _ring.Keys;
        return Seal(keys, keys.ActiveHeader, plain, tenantId, context);
    }

    /// <summary>
    /// A format-1 value (no tenant in its associated data), as written before issue 12 item 3 — only for tests that prove
    /// such values are still read and get migrated. The application never writes format 1.
    /// </summary>
    public byte[] EncryptFormat1ForTests(string plaintext, string context)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        ArgumentNullException.ThrowIfNull(plaintext);
        var keys = _ring.Keys;
        byte[] header = [PiiKeySet.LegacyFormat, .. keys.ActiveHeader.AsSpan(1)];
        return Seal(keys, header, Encoding.UTF8.GetBytes(plaintext), Platform, context);
    }

    private byte[] Seal(PiiKeySet keys, byte[] header, ReadOnlySpan<byte> plain, Guid tenantId, string context)
    {
        var output = new byte[header.Length + NonceSize + plain.Length + TagSize];
        header.CopyTo(output, 0);
        var nonce = output.AsSpan(header.Length, NonceSize);
        NonceSource.Fill(nonce);
        Span<byte> aadBuffer = stackalloc byte[StackLimit];
        Cipher(keys, keys.ActiveKeyId).Encrypt(nonce, plain, output.AsSpan(header.Length + NonceSize, plain.Length),
            output.AsSpan(output.Length - TagSize), AssociatedData(header, tenantId, context, aadBuffer));
        return output;
    }

    /// <summary>The bytes sealed by <see cref="EncryptBytes"/>.</summary>
    public byte[] DecryptBytes(byte[] cipher, Guid tenantId, string context)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        var keyId = KeyIdOf(cipher) ?? throw new PiiDecryptionException($"Not a protected value ({context}): bad header or too short.");
        var keys = _ring.Keys;
        if (!keys.Keys.ContainsKey(keyId)) throw new PiiDecryptionException($"Unknown key id '{keyId}' ({context}); is the key ring complete?");
        var headerLength = 2 + keyId.Length;
        var plain = new byte[cipher.Length - headerLength - NonceSize - TagSize];
        Span<byte> aadBuffer = stackalloc byte[StackLimit];
        try
        {
            Cipher(keys, keyId).Decrypt(cipher.AsSpan(headerLength, NonceSize), cipher.AsSpan(headerLength + NonceSize, plain.Length),
                cipher.AsSpan(cipher.Length - TagSize), plain, AssociatedData(cipher.AsSpan(0, headerLength), tenantId, context, aadBuffer));
            return plain;
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new PiiDecryptionException($"Protected value failed authentication ({context}, key '{keyId}'): tampered, or another tenant's or column's value.", e);
        }
    }

    /// <summary>Key id in the header, or null if the bytes are not a protected value of a known format.</summary>
    public string? KeyIdOf(byte[] cipher)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        if (cipher.Length < 2 || cipher[0] is not (PiiKeySet.LegacyFormat or PiiKeySet.TenantBoundFormat))
            return null;
        var idLength = cipher[1];
        if (idLength == 0 || cipher.Length < 2 + idLength + NonceSize + TagSize)
            return null;
        var id = cipher.AsSpan(2, idLength);
        return Ascii.IsValid(id) ? Encoding.ASCII.GetString(id) : null;
    }

    /// <summary>True for a value of format 1 (its associated data names no tenant); false for format 2 or unreadable bytes.</summary>
    public bool IsLegacyFormat(byte[] cipher) => KeyIdOf(cipher) is not null && cipher[0] == PiiKeySet.LegacyFormat;

    /// <summary>
    /// True when the value carries a key id other than the active one, or is format 1 (not bound to its tenant). A value
    /// without a readable header (corrupt, or not a protected value at all) is not: no key can re-encrypt it, and it must
    /// not stop a rotation pass.
    /// </summary>
    public bool NeedsReencryption(byte[] cipher) =>
        KeyIdOf(cipher) is { } keyId && (keyId != _ring.ActiveKeyId || cipher[0] != PiiKeySet.TenantBoundFormat);

    /// <summary>
    /// Decrypts and encrypts again under the active key and format 2, as bytes (text or a file's chunk alike); for the
    /// rotation job. A format-1 value is read without its tenant and sealed for <paramref name="tenantId"/>.
    /// </summary>
    public byte[] Reencrypt(byte[] cipher, Guid tenantId, string context) =>
        EncryptBytes(DecryptBytes(cipher, tenantId, context), tenantId, context);

    public void Dispose()
    {
        foreach (var cache in _ciphers.Values)
        {
            foreach (var aes in cache.Values)
                aes.Dispose();
        }
        _ciphers.Dispose();
    }

    private AesGcm Cipher(PiiKeySet keys, string keyId)
    {
        var cache = _ciphers.Value!;
        if (!cache.TryGetValue(keyId, out var aes))
        {
            // Key ids are immutable once added, so a cached instance never goes stale.
            aes = new AesGcm(keys.Keys[keyId], TagSize);
            cache[keyId] = aes;
        }
        return aes;
    }

    /// <summary>Header, then (format 2) the tenant id, then the context. The header's first byte says which.</summary>
    private static ReadOnlySpan<byte> AssociatedData(ReadOnlySpan<byte> header, Guid tenantId, string context, Span<byte> buffer)
    {
        var tenantBytes = header[0] == PiiKeySet.TenantBoundFormat ? TenantIdSize : 0;
        var length = header.Length + tenantBytes + Encoding.UTF8.GetByteCount(context);
        var aad = length <= buffer.Length ? buffer[..length] : new byte[length];
        header.CopyTo(aad);
        if (tenantBytes > 0 && !tenantId.TryWriteBytes(aad.Slice(header.Length, TenantIdSize), bigEndian: true, out _))
            throw new InvalidOperationException("Tenant id did not fit its 16 bytes.");
        Encoding.UTF8.GetBytes(context, aad[(header.Length + tenantBytes)..]);
        return aad;
    }
}
