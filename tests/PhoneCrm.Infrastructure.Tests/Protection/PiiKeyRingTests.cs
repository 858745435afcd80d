using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Tests.Protection;

public sealed class PiiKeyRingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "phonecrm-keys-" + Guid.NewGuid().ToString("N"));

    private string KeyFile => Path.Combine(_directory, "keys", "pii-keys.json");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void KeyFileIsCreatedOnceAndReused()
    {
        var first = PiiKeyRing.Load(new ProtectionOptions(), KeyFile);
        var written = File.ReadAllText(KeyFile);
        var second = PiiKeyRing.Load(new ProtectionOptions(), KeyFile);

        Assert.Equal(written, File.ReadAllText(KeyFile));
        Assert.Equal(KeyFile, first.KeyFile);
        AssertSameKeys(first, second);
    }

    [Fact]
    public void KeyFileOptionOverridesDefault()
    {
        var ring = PiiKeyRing.Load(new ProtectionOptions { KeyFile = KeyFile }, Path.Combine(_directory, "unused.json"));
        Assert.Equal(KeyFile, ring.KeyFile);
        Assert.False(File.Exists(Path.Combine(_directory, "unused.json")));
    }

    [Fact]
    public async Task ConcurrentStartsAgreeOnOneKeySet()
    {
        using var start = new Barrier(8);
        // Dedicated threads: a blocking barrier on a 2-core thread pool would wait for thread injection.
        var rings = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(30));
            return PiiKeyRing.Load(new ProtectionOptions(), KeyFile);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        foreach (var ring in rings)
            AssertSameKeys(rings[0], ring);
        Assert.Equal(["pii-keys.json", "pii-keys.json.lock"], Directory.GetFiles(Path.GetDirectoryName(KeyFile)!).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void KeyFileIsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
            return;
        PiiKeyRing.Load(new ProtectionOptions(), KeyFile).Rotate();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
    }

    [Fact]
    public void RotationIsPersistedToTheKeyFile()
    {
        var ring = PiiKeyRing.Load(new ProtectionOptions(), KeyFile);
        using var protector = new PiiProtector(ring);
        var old = protector.Encrypt("+79161234567", PiiProtector.Platform, "contact.phone");

        Assert.Equal("k2", ring.Rotate());
        var reloaded = PiiKeyRing.Load(new ProtectionOptions(), KeyFile);
        using var reloadedProtector = new PiiProtector(reloaded);

        Assert.Equal("k2", reloaded.ActiveKeyId);
        Assert.Equal("+79161234567", reloadedProtector.Decrypt(old, PiiProtector.Platform, "contact.phone"));
        AssertSameKeys(ring, reloaded);
    }

    [Fact]
    public void AnotherNodesRotationIsPickedUpWithoutRestart()
    {
        var nodeA = PiiKeyRing.Load(new ProtectionOptions(), KeyFile);
        var nodeB = PiiKeyRing.Load(new ProtectionOptions(), KeyFile);
        using var protectorA = new PiiProtector(nodeA);
        using var protectorB = new PiiProtector(nodeB);

        Assert.Equal("k2", nodeA.Rotate());
        // B reads a value under the key it has not seen yet: the key file has it (persisted before use).
        Assert.Equal("+79161234567", protectorB.Decrypt(protectorA.Encrypt("+79161234567", PiiProtector.Platform, "contact.phone"), PiiProtector.Platform, "contact.phone"));
        Assert.Equal("k2", nodeB.ActiveKeyId);
        Assert.False(nodeB.Refresh());

        Assert.Equal("k3", nodeB.Rotate());
        Assert.True(nodeA.Refresh()); // the timer's reload: A now writes under k3 too
        Assert.Equal("k3", protectorA.KeyIdOf(protectorA.Encrypt("x", PiiProtector.Platform, "c")!));
    }

    [Fact]
    public void CorruptKeyFileIsNotRegenerated()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        File.WriteAllText(KeyFile, "{ not json");
        Assert.Throws<InvalidOperationException>(() => PiiKeyRing.Load(new ProtectionOptions(), KeyFile));
        Assert.Equal("{ not json", File.ReadAllText(KeyFile));
    }

    [Fact]
    public void LoadsFromConfigurationViaDi()
    {
        var k1 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var k2 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Protection:ActiveKeyId"] = "k2",
            ["Protection:Keys:k1"] = k1,
            ["Protection:Keys:k2"] = k2,
            ["Protection:IndexKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }).Build();
        using var provider = new ServiceCollection().AddPiiProtection(config, KeyFile).BuildServiceProvider();

        var ring = provider.GetRequiredService<PiiKeyRing>();
        var protector = provider.GetRequiredService<PiiProtector>();
        Assert.Equal("k2", ring.ActiveKeyId);
        Assert.Null(ring.KeyFile);
        Assert.Equal("x", protector.Decrypt(protector.Encrypt("x", PiiProtector.Platform, "c"), PiiProtector.Platform, "c"));
        Assert.NotNull(provider.GetRequiredService<BlindIndex>());
        Assert.False(File.Exists(KeyFile));
    }

    [Theory]
    [InlineData("k1", "c2hvcnQ=", true)]
    [InlineData("k9", null, true)]
    [InlineData("k1", null, false)]
    public void RejectsBadConfiguration(string activeKeyId, string? key, bool withIndexKey)
    {
        var options = new ProtectionOptions
        {
            ActiveKeyId = activeKeyId,
            Keys = { ["k1"] = key ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            IndexKey = withIndexKey ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) : null,
        };
        Assert.Throws<InvalidOperationException>(() => PiiKeyRing.Load(options, KeyFile));
    }

    private static void AssertSameKeys(PiiKeyRing expected, PiiKeyRing actual)
    {
        Assert.Equal(expected.ActiveKeyId, actual.ActiveKeyId);
        Assert.Equal(expected.KeyIds.Order(), actual.KeyIds.Order());
        using var expectedIndex = new BlindIndex(expected);
        using var actualIndex = new BlindIndex(actual);
        Assert.Equal(expectedIndex.ForTenant(Guid.Empty, BlindIndex.TenantBoundVersion).Phone("+79161234567"),
            actualIndex.ForTenant(Guid.Empty, BlindIndex.TenantBoundVersion).Phone("+79161234567"));
        using var encrypt = new PiiProtector(expected);
        using var decrypt = new PiiProtector(actual);
        Assert.Equal("same", decrypt.Decrypt(encrypt.Encrypt("same", PiiProtector.Platform, "ring.check"), PiiProtector.Platform, "ring.check"));
    }
}
