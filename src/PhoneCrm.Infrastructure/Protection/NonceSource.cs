using System.Security.Cryptography;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// Random GCM nonces drawn from a per-thread block of CSPRNG output: one RNG call per ~340 nonces
/// instead of one per encryption, which otherwise costs as much as the AES itself.
/// Each 12-byte slice is handed out once before the block is refilled; nonces are public, so no wiping.
/// </summary>
internal static class NonceSource
{
    public const int NonceSize = 12;
    private const int BlockSize = NonceSize * 341;

    [ThreadStatic]
    private static byte[]? _block;

    [ThreadStatic]
    private static int _position;

    public static void Fill(Span<byte> nonce)
    {
        var block = _block ??= new byte[BlockSize];
        if (_position == 0)
            RandomNumberGenerator.Fill(block);
        block.AsSpan(_position, NonceSize).CopyTo(nonce);
        _position = (_position + NonceSize) % BlockSize;
    }
}
