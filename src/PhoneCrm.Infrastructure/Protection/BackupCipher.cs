using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// Seals a backup stream with a key derived from the PII ring (HKDF of the active key and a per-backup salt): the key lives
/// outside the database, so a stolen backup is unreadable without the key file — by design, a backup is restored with
/// the key file it was made under. Layout: <c>PCRMBAK1</c>, key-id length and id, 32-byte salt, then chunks of
/// [4-byte length | 12-byte nonce | ciphertext | 16-byte tag]; each chunk's associated data is its index and whether it
/// is the last, so chunks cannot be reordered, dropped or the file cut short without the restore refusing it.
/// </summary>
public static class BackupCipher
{
    private const int ChunkSize = 1 << 20;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int SaltSize = 32;
    private const uint FinalFlag = 0x8000_0000;
    private static readonly byte[] Magic = "PCRMBAK1"u8.ToArray();

    public static async Task SealAsync(Stream plain, Stream output, PiiKeyRing ring, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plain);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(ring);
        var keys = ring.Keys;
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var keyId = Encoding.ASCII.GetBytes(keys.ActiveKeyId);
        await output.WriteAsync(Magic, ct);
        await output.WriteAsync(new[] { (byte)keyId.Length }, ct);
        await output.WriteAsync(keyId, ct);
        await output.WriteAsync(salt, ct);
        using var aes = new AesGcm(Derive(keys.ActiveKey, salt), TagSize);

        var current = new byte[ChunkSize];
        var next = new byte[ChunkSize];
        var currentLength = await plain.ReadAtLeastAsync(current, ChunkSize, throwOnEndOfStream: false, ct);
        long index = 0;
        while (true)
        {
            // One chunk read ahead: the last chunk is known before it is sealed, and is marked so.
            var nextLength = currentLength < ChunkSize ? 0 : await plain.ReadAtLeastAsync(next, ChunkSize, throwOnEndOfStream: false, ct);
            var final = nextLength == 0;
            await WriteChunkAsync(output, aes, current.AsMemory(0, currentLength), index++, final, ct);
            if (final) return;
            (current, next) = (next, current);
            currentLength = nextLength;
        }
    }

    /// <exception cref="InvalidDataException">Not a backup, a key the ring does not hold, or altered or cut short.</exception>
    public static async Task OpenAsync(Stream sealedBackup, Stream plain, PiiKeyRing ring, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sealedBackup);
        ArgumentNullException.ThrowIfNull(plain);
        ArgumentNullException.ThrowIfNull(ring);
        var magic = new byte[Magic.Length];
        if (await sealedBackup.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, ct) != magic.Length || !magic.AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException("Not a PhoneCrm backup (no PCRMBAK1 header).");
        var idLength = new byte[1];
        await sealedBackup.ReadExactlyAsync(idLength, ct);
        var keyIdBytes = new byte[idLength[0]];
        await sealedBackup.ReadExactlyAsync(keyIdBytes, ct);
        var keyId = Encoding.ASCII.GetString(keyIdBytes);
        var salt = new byte[SaltSize];
        await sealedBackup.ReadExactlyAsync(salt, ct);
        var keys = ring.Keys;
        if (!keys.Keys.TryGetValue(keyId, out var key))
            throw new InvalidDataException($"The backup was sealed under PII key '{keyId}', which this key file does not hold; restore with the key file the backup was made under.");
        using var aes = new AesGcm(Derive(key, salt), TagSize);

        var header = new byte[4 + NonceSize];
        var buffer = new byte[ChunkSize + TagSize];
        var plainBuffer = new byte[ChunkSize];
        for (long index = 0; ; index++)
        {
            if (await sealedBackup.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct) != header.Length)
                throw new InvalidDataException("The backup is cut short: its last part is missing.");
            var word = BinaryPrimitives.ReadUInt32BigEndian(header);
            var final = (word & FinalFlag) != 0;
            var length = (int)(word & ~FinalFlag);
            if (length > ChunkSize) throw new InvalidDataException("The backup is damaged (a part longer than any written).");
            await sealedBackup.ReadExactlyAsync(buffer.AsMemory(0, length + TagSize), ct);
            try
            {
                aes.Decrypt(header.AsSpan(4, NonceSize), buffer.AsSpan(0, length), buffer.AsSpan(length, TagSize),
                    plainBuffer.AsSpan(0, length), AssociatedData(index, final));
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw new InvalidDataException($"The backup is altered or damaged (part {index} fails authentication).", e);
            }

            await plain.WriteAsync(plainBuffer.AsMemory(0, length), ct);
            if (final) return;
        }
    }

    private static async Task WriteChunkAsync(Stream output, AesGcm aes, ReadOnlyMemory<byte> plain, long index, bool final, CancellationToken ct)
    {
        var frame = new byte[4 + NonceSize + plain.Length + TagSize];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)plain.Length | (final ? FinalFlag : 0));
        var nonce = frame.AsSpan(4, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        aes.Encrypt(nonce, plain.Span, frame.AsSpan(4 + NonceSize, plain.Length), frame.AsSpan(frame.Length - TagSize), AssociatedData(index, final));
        await output.WriteAsync(frame, ct);
    }

    private static byte[] AssociatedData(long index, bool final)
    {
        var aad = new byte[9];
        BinaryPrimitives.WriteInt64BigEndian(aad, index);
        aad[8] = final ? (byte)1 : (byte)0;
        return aad;
    }

    private static byte[] Derive(byte[] key, byte[] salt) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, salt, "phonecrm-backup-v1"u8.ToArray());
}
