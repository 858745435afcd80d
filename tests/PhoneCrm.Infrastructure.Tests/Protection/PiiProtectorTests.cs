using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Tests.Protection;

public sealed class PiiProtectorTests : IDisposable
{
    private const string PhoneContext = "contact.phone";
    private static readonly Guid TenantA = Guid.Parse("0195a1c2-0000-7000-8000-00000000000a");
    private static readonly Guid TenantB = Guid.Parse("0195a1c2-0000-7000-8000-00000000000b");
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
        Assert.Equal(plaintext, _protector.Decrypt(_protector.Encrypt(plaintext, TenantA, PhoneContext), TenantA, PhoneContext));

    [Fact]
    public void RoundTripsLongValuesBeyondTheStackBuffer()
    {
        var plaintext = new string('ж', 5000);
        Assert.Equal(plaintext, _protector.Decrypt(_protector.Encrypt(plaintext, TenantA, PhoneContext), TenantA, PhoneContext));
    }

    [Fact]
    public void NullStaysNull()
    {
        Assert.Null(_protector.Encrypt(null, TenantA, PhoneContext));
        Assert.Null(_protector.Decrypt(null, TenantA, PhoneContext));
    }

    [Fact]
    public void SameInputEncryptsDifferentlyEachTime()
    {
        var a = _protector.Encrypt("+79161234567", TenantA, PhoneContext)!;
        var b = _protector.Encrypt("+79161234567", TenantA, PhoneContext)!;
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
            Assert.Equal(-1, _protector.Encrypt(plaintext, TenantA, PhoneContext)!.AsSpan().IndexOf(needle));
    }

    [Fact]
    public void WrongContextFails()
    {
        var cipher = _protector.Encrypt("+79161234567", TenantA, PhoneContext);
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(cipher, TenantA, "contact.email"));
    }

    [Fact]
    public void NewValuesAreFormat2BoundToTheirTenant()
    {
        var cipher = _protector.Encrypt("+79161234567", TenantA, PhoneContext)!;
        Assert.Equal(2, cipher[0]);
        Assert.False(_protector.IsLegacyFormat(cipher));
        Assert.False(_protector.NeedsReencryption(cipher));
        Assert.Equal("+79161234567", _protector.Decrypt(cipher, TenantA, PhoneContext));
    }

    [Fact]
    public void AnotherTenantsValueFails()
    {
        // The same key, the same column: only the tenant differs, as when a value is copied to another tenant's row.
        var cipher = _protector.Encrypt("+79161234567", TenantA, PhoneContext);
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(cipher, TenantB, PhoneContext));
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(cipher, PiiProtector.Platform, PhoneContext));
        var chunk = _protector.EncryptBytes("a;b;c"u8, TenantA, "import_file.chunk");
        Assert.Throws<PiiDecryptionException>(() => _protector.DecryptBytes(chunk, TenantB, "import_file.chunk"));
        Assert.Throws<PiiDecryptionException>(() => _protector.Reencrypt(chunk, TenantB, "import_file.chunk"));
    }

    [Fact]
    public void Format1ValuesStillDecryptAndAreRewrittenBoundToTheTenant()
    {
        var legacy = _protector.EncryptFormat1ForTests("+79161234567", PhoneContext);
        Assert.Equal(1, legacy[0]);
        Assert.True(_protector.IsLegacyFormat(legacy));
        Assert.True(_protector.NeedsReencryption(legacy)); // under the active key, but not bound to a tenant
        Assert.Equal("+79161234567", _protector.Decrypt(legacy, TenantA, PhoneContext));
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(legacy, TenantA, "contact.email"));

        var bound = _protector.Reencrypt(legacy, TenantA, PhoneContext);
        Assert.Equal(2, bound[0]);
        Assert.False(_protector.NeedsReencryption(bound));
        Assert.Equal("+79161234567", _protector.Decrypt(bound, TenantA, PhoneContext));
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(bound, TenantB, PhoneContext));
    }

    [Fact]
    public void Format2CannotBePassedOffAsFormat1()
    {
        // Relabelling the format byte drops the tenant from the associated data the reader uses, so the tag fails.
        var downgraded = _protector.Encrypt("+79161234567", TenantA, PhoneContext)!;
        downgraded[0] = 1;
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(downgraded, TenantB, PhoneContext));
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(downgraded, TenantA, PhoneContext));
    }

    [Fact]
    public void AnyTamperedByteFails()
    {
        var cipher = _protector.Encrypt("+79161234567", TenantA, PhoneContext)!;
        for (var i = 0; i < cipher.Length; i++)
        {
            var tampered = cipher.ToArray();
            tampered[i] ^= 0x01;
            Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(tampered, TenantA, PhoneContext));
        }
    }

    [Fact]
    public void TruncatedOrForeignBytesFail()
    {
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt([], TenantA, PhoneContext));
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt("+79161234567"u8.ToArray(), TenantA, PhoneContext));
    }

    [Fact]
    public void CiphertextFromAnotherRingFailsWithUnknownKeyOrTag()
    {
        using var other = new PiiProtector(PiiKeyRing.CreateForTests());
        var cipher = other.Encrypt("+79161234567", TenantA, PhoneContext);
        Assert.Throws<PiiDecryptionException>(() => _protector.Decrypt(cipher, TenantA, PhoneContext));
    }

    [Fact]
    public void RotationKeepsOldValuesReadable()
    {
        var old = _protector.Encrypt("+79161234567", TenantA, PhoneContext)!;
        Assert.Equal("k1", _protector.KeyIdOf(old));

        _ring.AddActiveKey("k2", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var fresh = _protector.Encrypt("+79161234567", TenantA, PhoneContext)!;

        Assert.Equal("+79161234567", _protector.Decrypt(old, TenantA, PhoneContext));
        Assert.Equal("k2", _protector.KeyIdOf(fresh));
        Assert.True(_protector.NeedsReencryption(old));
        Assert.False(_protector.NeedsReencryption(fresh));
        var rewritten = _protector.Reencrypt(old, TenantA, PhoneContext)!;
        Assert.False(_protector.NeedsReencryption(rewritten));
        Assert.Equal("+79161234567", _protector.Decrypt(rewritten, TenantA, PhoneContext));
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
                Assert.Equal(value, _protector.Decrypt(_protector.Encrypt(value, TenantA, PhoneContext), TenantA, PhoneContext));
            }
        }));
        await Task.WhenAll(tasks);
    }
}
