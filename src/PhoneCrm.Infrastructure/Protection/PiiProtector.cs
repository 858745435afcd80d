using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// AES-256-GCM for personal data columns. Layout: version (1) | key-id length (1) | key id (ASCII) |
/// nonce (12) | ciphertext | tag (16). Associated data is the header plus the caller's context
/// (e.g. <c>contact.phone</c>), so a value cannot be moved to another column or relabelled with another key.
/// </summary>
/// <remarks>Random 96-bit nonces: rotate a key well before 2^32 encryptions with it.</remarks>
public sealed class PiiProtector : IDisposable
{
    private const int NonceSize = NonceSource.NonceSize;
    private const int TagSize = 16;
    private const int StackLimit = 256;

    private readonly PiiKeyRing _ring;

    // AesGcm is not thread-safe and costly to create, so each thread keeps one per key id.
    private readonly ThreadLocal<Dictionary<string, AesGcm>> _ciphers =
        new(() => new Dictionary<string, AesGcm>(StringComparer.Ordinal), trackAllValues: true);

    public PiiProtector(PiiKeyRing ring) => _ring = ring;

    public string ActiveKeyId => _ring.ActiveKeyId;

    public byte[]? Encrypt(string? plaintext, string context)
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
            var aad = AssociatedData(header, context, aadBuffer);
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

    public string? Decrypt(byte[]? cipher, string context)
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
            var aad = AssociatedData(cipher.AsSpan(0, headerLength), context, aadBuffer);
            Cipher(keys, keyId).Decrypt(cipher.AsSpan(headerLength, NonceSize), cipher.AsSpan(headerLength + NonceSize, length),
                cipher.AsSpan(cipher.Length - TagSize), plain, aad);
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new PiiDecryptionException($"Protected value failed authentication ({context}, key '{keyId}'): tampered or wrong context.", e);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>Bytes (a customer's uploaded file, in chunks) sealed like a string value: same layout, ring and context rule.</summary>
    public byte[] EncryptBytes(ReadOnlySpan<byte> plain, string context)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        var keys = _ring.Keys;
        var header = keys.ActiveHeader;
        var output = new byte[header.Length + NonceSize + plain.Length + TagSize];
        header.CopyTo(output, 0);
        var nonce = output.AsSpan(header.Length, NonceSize);
        NonceSource.Fill(nonce);
        Span<byte> aadBuffer = stackalloc byte[StackLimit];
        Cipher(keys, keys.ActiveKeyId).Encrypt(nonce, plain, output.AsSpan(header.Length + NonceSize, plain.Length),
            output.AsSpan(output.Length - TagSize), AssociatedData(header, context, aadBuffer));
        return output;
    }

    /// <summary>The bytes sealed by <see cref="EncryptBytes"/>.</summary>
    public byte[] DecryptBytes(byte[] cipher, string context)
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
                cipher.AsSpan(cipher.Length - TagSize), plain, AssociatedData(cipher.AsSpan(0, headerLength), context, aadBuffer));
            return plain;
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new PiiDecryptionException($"Protected value failed authentication ({context}, key '{keyId}'): tampered or wrong context.", e);
        }
    }

    /// <summary>Key id in the header, or null if the bytes are not a protected value of this format.</summary>
    public string? KeyIdOf(byte[] cipher)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        if (cipher.Length < 2 || cipher[0] != PiiKeySet.FormatVersion)
            return null;
        var idLength = cipher[1];
        if (idLength == 0 || cipher.Length < 2 + idLength + NonceSize + TagSize)
            return null;
        var id = cipher.AsSpan(2, idLength);
        return Ascii.IsValid(id) ? Encoding.ASCII.GetString(id) : null;
    }

    /// <summary>
    /// True when the value carries a key id other than the active one. A value without a readable header (corrupt, or not
    /// a protected value at all) is not: no key can re-encrypt it, and it must not stop a rotation pass.
    /// </summary>
    public bool NeedsReencryption(byte[] cipher) => KeyIdOf(cipher) is { } keyId && keyId != _ring.ActiveKeyId;

    /// <summary>Decrypts and encrypts again under the active key, as bytes (text or a file's chunk alike); for the rotation job.</summary>
    public byte[] Reencrypt(byte[] cipher, string context) => EncryptBytes(DecryptBytes(cipher, context), context);

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

    private static ReadOnlySpan<byte> AssociatedData(ReadOnlySpan<byte> header, string context, Span<byte> buffer)
    {
        var length = header.Length + Encoding.UTF8.GetByteCount(context);
        var aad = length <= buffer.Length ? buffer[..length] : new byte[length];
        header.CopyTo(aad);
        Encoding.UTF8.GetBytes(context, aad[header.Length..]);
        return aad;
    }
}
