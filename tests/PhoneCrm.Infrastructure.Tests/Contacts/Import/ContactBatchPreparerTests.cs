using PhoneCrm.Domain.Contacts;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Tests.Contacts.Import;

/// <summary>The preparer's shortcuts (remembered suffix indexes and city zones, ids from a random block) give exactly
/// what the direct calls give: the staged bytes must not depend on whether a value was remembered.</summary>
public sealed class ContactBatchPreparerTests : IDisposable
{
    private const string TenantZone = "Asia/Omsk";
    private readonly PiiKeyRing _ring = PiiKeyRing.CreateForTests();
    private readonly PiiProtector _pii;
    private readonly BlindIndex _blind;
    private readonly TenantBlindIndex _index;
    private readonly ContactBatchPreparer _preparer;

    public ContactBatchPreparerTests()
    {
        _pii = new PiiProtector(_ring);
        _blind = new BlindIndex(_ring);
        _index = _blind.ForTenant(Guid.NewGuid(), BlindIndex.TenantBoundVersion);
        _preparer = new ContactBatchPreparer(new ImportRowNormalizer(ColumnMapper.Map(["phone", "city"])), _pii, _index, TenantZone);
    }

    public void Dispose()
    {
        _pii.Dispose();
        _blind.Dispose();
    }

    [Theory]
    [InlineData("+79161234567")]
    [InlineData("+79269994567")] // same last four digits: the remembered slot
    [InlineData("+74950000000")]
    [InlineData("+12025550123")]
    [InlineData("+7916")] // shorter than a number: computed directly
    [InlineData("79161234567")] // no '+': computed directly
    public void ASuffixIndexIsTheDirectOneAlsoWhenRemembered(string e164)
    {
        Assert.Equal(_index.PhoneSuffix(e164), _preparer.PhoneSuffix(e164));
        Assert.Equal(_index.PhoneSuffix(e164), _preparer.PhoneSuffix(e164));
    }

    [Fact]
    public void SuffixesOfLegacyTenantsAreTheirOwn()
    {
        var legacy = _blind.ForTenant(Guid.NewGuid(), BlindIndex.LegacyVersion);
        var preparer = new ContactBatchPreparer(new ImportRowNormalizer(ColumnMapper.Map(["phone"])), _pii, legacy, TenantZone);
        Assert.Equal(legacy.PhoneSuffix("+79161234567"), preparer.PhoneSuffix("+79161234567"));
        Assert.Equal(BlindIndex.LegacySize, preparer.PhoneSuffix("+79161234567").Length);
    }

    [Theory]
    [InlineData("Владивосток", "+79161234567")]
    [InlineData("  ЕКАТЕРИНБУРГ ", "+79161234567")]
    [InlineData("Пермь, Пермский край", "+79161234567")]
    [InlineData("Деревня Неизвестная", "+74951234567")] // unknown city: the number's zone
    [InlineData("Деревня Неизвестная", "+79161234567")] // unknown city, a mobile: the tenant's zone
    [InlineData(null, "+74951234567")]
    [InlineData(null, "+12025550123")]
    [InlineData("", "+79161234567")]
    [InlineData("   ", "+79161234567")]
    public void AZoneIsWhatTheResolverSaysAlsoWhenRemembered(string? city, string e164)
    {
        var expected = TimeZoneResolver.Default.Resolve(city, null, e164, TenantZone).TimeZone;
        Assert.Equal(expected, _preparer.ZoneOf(city, e164));
        Assert.Equal(expected, _preparer.ZoneOf(city, e164));
    }

    [Fact]
    public void IdsAreVersion7WithTheTimeAndUnique()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = Enumerable.Range(0, 1000).Select(_ => ContactBatchPreparer.NewId()).ToList();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var id in ids)
        {
            Assert.Equal(7, id.Version);
            Assert.Equal(0b10, id.Variant >> 2);
            var bytes = id.ToByteArray(bigEndian: true);
            var milliseconds = bytes.Take(6).Aggregate(0L, (t, b) => (t << 8) | b);
            Assert.InRange(milliseconds, before, after);
            // Laid out as Guid.CreateVersion7's: the same time gives the same first 48 bits, then the version.
            var reference = Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)).ToString();
            Assert.Equal(reference[..15], id.ToString()[..15]);
        }
    }
}
