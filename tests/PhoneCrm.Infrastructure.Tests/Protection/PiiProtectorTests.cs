using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Tests.Protection;

public sealed class PiiProtectorTests : IDisposable
{
    private const string PhoneContext = "contact.phone";
    private readonly PiiKeyRing _ring = PiiKeyRing.CreateForTests();
    private readonly PiiProtector _protector;

    public PiiProtectorTests() => _protector = new PiiProtector(_ring);

    public void Dispose() => _protector.Dispose();

    [Theory]
    [InlineData("+79161234567")]
    [InlineData("Ёлкина Анна-Мария")]
    [InlineData("привет 👋🏽 emoji")]
    [InlineData("")]
    public void RoundTrips(string plaintext) =>
        Assert.Equal(plaintext, _protector.Decrypt(_protector.Encrypt(plaintext, PhoneContext), PhoneContext));

    [Fact]
    public void RoundTripsLongValuesBeyondTheStackBuffer()
    {
        var plaintext = new string('ж', 5000);
        Assert.Equal(plaintext, _protector.Decrypt(_protector.Encrypt(plaintext, PhoneContext), PhoneContext));
    }

    [Fact]
    public void NullStaysNull()
    {
        Assert.Null(_protector.Encrypt(null, PhoneContext));
        Assert.Null(_protector.Decrypt(null, PhoneContext));
    }

    [Fact]
    public void SameInputEncryptsDifferentlyEachTime()
    {
        var a = _protector.Encrypt("+79161234567", PhoneContext)!;
        var b = _protector.Encrypt("+79161234567", PhoneContext)!;
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("+79161234567")]
    [InlineData("anna.elkina@example.ru")]
    [InlineData("Анна")]
    public void PlaintextBytesNeverAppearInCiphertext(string plaintext)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(plaintext);
        for (var i = 0; i < 100; i++)
            Assert.Equal(-1, _protector.Encrypt(plaintext, PhoneContext)!.AsSpan().IndexOf(needle));
    }

    [Fact]
    public void WrongContextFails()
    {
        var cipher = _protector.Encrypt("+79161234567", PhoneContext);
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(cipher, "contact.email"));
    }

    [Fact]
    public void AnyTamperedByteFails()
    {
        var cipher = _protector.Encrypt("+79161234567", PhoneContext)!;
        for (var i = 0; i < cipher.Length; i++)
        {
            var tampered = cipher.ToArray();
            tampered[i] ^= 0x01;
            Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(tampered, PhoneContext));
        }
    }

    [Fact]
    public void TruncatedOrForeignBytesFail()
    {
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt([], PhoneContext));
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt("+79161234567"u8.ToArray(), PhoneContext));
    }

    [Fact]
    public void CiphertextFromAnotherRingFailsWithUnknownKeyOrTag()
    {
        using var other = new PiiProtector(PiiKeyRing.CreateForTests());
        var cipher = other.Encrypt("+79161234567", PhoneContext);
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(cipher, PhoneContext));
    }

    [Fact]
    public void RotationKeepsOldValuesReadable()
    {
        var old = _protector.Encrypt("+79161234567", PhoneContext)!;
        Assert.Equal("k1", _protector.KeyIdOf(old));

        _ring.AddActiveKey("k2", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var fresh = _protector.Encrypt("+79161234567", PhoneContext)!;

        Assert.Equal("+79161234567", _protector.Decrypt(old, PhoneContext));
        Assert.Equal("k2", _protector.KeyIdOf(fresh));
        Assert.True(_protector.NeedsReencryption(old));
        Assert.False(_protector.NeedsReencryption(fresh));
        var rewritten = _protector.Reencrypt(old, PhoneContext)!;
        Assert.False(_protector.NeedsReencryption(rewritten));
        Assert.Equal("+79161234567", _protector.Decrypt(rewritten, PhoneContext));
    }

    [Fact]
    public void RotateGeneratesNextKeyId()
    {
        Assert.Equal("k2", _ring.Rotate());
        Assert.Equal("k3", _ring.Rotate());
        Assert.Equal(["k1", "k2", "k3"], _ring.KeyIds.Order());
    }

    [Fact]
    public async Task IsThreadSafe()
    {
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var value = $"+7916{t}{i:D6}";
                Assert.Equal(value, _protector.Decrypt(_protector.Encrypt(value, PhoneContext), PhoneContext));
            }
        }));
        await Task.WhenAll(tasks);
    }
}
