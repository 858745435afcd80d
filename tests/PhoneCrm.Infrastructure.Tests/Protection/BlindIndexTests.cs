using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Requests;

namespace PhoneCrm.Infrastructure.Tests.Protection;

public sealed class BlindIndexTests : IDisposable
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private readonly BlindIndex _root = new(PiiKeyRing.CreateForTests());
    private readonly TenantBlindIndex _index;

    public BlindIndexTests() => _index = _root.ForTenant(Tenant, BlindIndex.TenantBoundVersion);

    public void Dispose() => _root.Dispose();

    [Fact]
    public void IsDeterministicAndCarriesItsVersion()
    {
        Assert.Equal(_index.Phone("+79161234567"), _index.Phone("+79161234567"));
        Assert.Equal(BlindIndex.Size, _index.Phone("+79161234567").Length);
        Assert.Equal(BlindIndex.TenantBoundVersion, _index.Phone("+79161234567")[0]);
        Assert.Equal(BlindIndex.LegacySize, _root.ForTenant(Tenant, BlindIndex.LegacyVersion).Phone("+79161234567").Length);
    }

    [Fact]
    public void TheSameNumberHasUnrelatedIndexesInTwoTenants()
    {
        var other = _root.ForTenant(Guid.NewGuid(), BlindIndex.TenantBoundVersion);
        Assert.NotEqual(_index.Phone("+79161234567"), other.Phone("+79161234567"));
        Assert.NotEqual(_index.Email("a@example.ru"), other.Email("a@example.ru"));
        Assert.NotEqual(_index.NameToken("анна"), other.NameToken("анна"));
        Assert.NotEqual(_index.PhoneSuffix("+79161234567"), other.PhoneSuffix("+79161234567"));
    }

    [Fact]
    public void BindingAStoredVersion1IndexGivesTheVersion2Index()
    {
        var legacy = _root.ForTenant(Tenant, BlindIndex.LegacyVersion);
        Assert.Equal(_index.Phone("+79161234567"), _index.Bind(legacy.Phone("+79161234567")));
        Assert.Equal(_index.Email("a@example.ru"), _index.Bind(legacy.Email("a@example.ru")));
        Assert.Equal(_index.NameTokens("Анна", "Петрова"), legacy.NameTokens("Анна", "Петрова").Select(_index.Bind));
    }

    [Fact]
    public void AnErasedNumbersVersion1TombstoneBindsToItsVersion2Tombstone()
    {
        var legacy = _root.ForTenant(Tenant, BlindIndex.LegacyVersion);
        var legacyTombstone = legacy.Tombstone(legacy.Phone("+79161234567"));
        Assert.Equal(TenantBlindIndex.LegacyTombstoneSize, legacyTombstone.Length);
        var tombstone = _index.Tombstone(_index.Phone("+79161234567"));
        Assert.Equal(TenantBlindIndex.TombstoneSize, tombstone.Length);
        Assert.Equal(tombstone, _index.BindTombstone(legacyTombstone));
    }

    [Fact]
    public void ErasureTombstonesAreTenantKeyedAndUnlinkableToIndexes()
    {
        var phone = _index.Phone("+79161234567");
        var a = _index.Tombstone(phone);
        var b = _root.Tombstone(Guid.NewGuid(), phone);
        Assert.NotEqual(a, b);
        Assert.DoesNotContain(phone, new[] { a[..BlindIndex.Size], b[..BlindIndex.Size] });
        Assert.Equal(_index.Tombstone(phone), _root.Tombstone(Tenant, _index.Phone("79161234567")));
        using var other = new BlindIndex(PiiKeyRing.CreateForTests());
        var otherIndex = other.ForTenant(Tenant, BlindIndex.TenantBoundVersion);
        Assert.NotEqual(_index.Tombstone(phone), otherIndex.Tombstone(otherIndex.Phone("+79161234567")));
    }

    [Fact]
    public void PhoneUsesDigitsOnly() => Assert.Equal(_index.Phone("+79161234567"), _index.Phone("79161234567"));

    [Fact]
    public void DiffersAcrossKinds()
    {
        Assert.NotEqual(_index.NameToken("79161234567"), _index.Email("79161234567"));
    }

    [Fact]
    public void DiffersAcrossRings()
    {
        using var other = new BlindIndex(PiiKeyRing.CreateForTests());
        Assert.NotEqual(_index.Phone("+79161234567"), other.ForTenant(Tenant, BlindIndex.TenantBoundVersion).Phone("+79161234567"));
    }

    [Fact]
    public void EmailIsCaseAndWhitespaceInsensitive() =>
        Assert.Equal(_index.Email("anna.elkina@example.ru"), _index.Email("  Anna.Elkina@EXAMPLE.ru "));

    [Fact]
    public void TokenizesCompoundRussianNames() =>
        Assert.Equal(["анна", "мария", "елкина"], BlindIndex.TokenizeName("Анна-Мария", "Ёлкина"));

    [Fact]
    public void NameTokensHoldShortWordsWholeAndLongerOnesByTheirBeginnings()
    {
        var tokens = _index.NameTokens("Анна-Мария Ли", null);
        Assert.Equal([_index.NameToken("ли")], tokens.Take(1), ByteArrayComparer.Instance);
        Assert.DoesNotContain(_index.NameToken("анна"), tokens, ByteArrayComparer.Instance);
        // анна: ann, анна; мария: мар, мари, мария; ли whole
        Assert.Equal(6, tokens.Count);
        Assert.Contains(_index.NameSearch("Ли")!, tokens, ByteArrayComparer.Instance);
        Assert.Contains(_index.NameSearch("Мари")!, tokens, ByteArrayComparer.Instance);
    }

    [Theory]
    [InlineData("Пет")]
    [InlineData("петр")]
    [InlineData("Петров")]
    [InlineData("ПЕТРОВС")]
    [InlineData("Петровский")] // compared on its first seven letters, «петровс»
    public void SearchFindsAWordByItsBeginning(string typed)
    {
        var entries = _index.NameTokens("Анна", "Петровская");
        Assert.Contains(_index.NameSearch(typed)!, entries, ByteArrayComparer.Instance);
    }

    [Theory]
    [InlineData("етров")] // not a beginning
    [InlineData("Петрова")] // a different word: «петрова» ≠ «петров»
    public void SearchDoesNotFindWhatIsNotABeginning(string typed) =>
        Assert.DoesNotContain(_index.NameSearch(typed)!, _index.NameTokens("Анна", "Петров"), ByteArrayComparer.Instance);

    [Fact]
    public void TwoLetterNamesAreFoundWhole()
    {
        Assert.Contains(_index.NameSearch("Ли")!, _index.NameTokens("Ли", "Вэй"), ByteArrayComparer.Instance);
        Assert.Null(_index.NameSearch("Л"));
    }

    [Fact]
    public void SharedBeginningsAreIndexedOnce()
    {
        var entries = _index.NameTokens("Иван", "Иванов");
        Assert.Equal(entries.Count, entries.Distinct(ByteArrayComparer.Instance).Count());
        Assert.Equal(2 + 2, entries.Count); // «ива», «иван» once; «ивано», «иванов» from the surname
    }

    [Fact]
    public void PhoneSuffixIsTheLastFourDigits()
    {
        Assert.Equal(_index.PhoneSuffix("+79161234567"), _index.PhoneSuffix("+74950004567"));
        Assert.NotEqual(_index.PhoneSuffix("+79161234567"), _index.PhoneSuffix("+79161234568"));
        Assert.NotEqual(_index.PhoneSuffix("+79161234567"), _index.Phone("4567"));
    }

    [Fact]
    public void NameTokensDropShortAndDuplicateTokens() =>
        Assert.Equal(["иван", "o'brien"], BlindIndex.TokenizeName("Иван И. Иван", "  O'Brien  —  J"));

    [Fact]
    public void DecomposedYoFoldsToo() =>
        Assert.Equal(_index.NameToken("Елкина"), _index.NameToken("Е\u0308лкина"));

    [Fact]
    public void NoTokensForEmptyNames() => Assert.Empty(_index.NameTokens(null, "  "));

    [Fact]
    public void RejectsValuesWithNothingToIndex()
    {
        Assert.Throws<ArgumentException>(() => _index.Phone("+"));
        Assert.Throws<ArgumentException>(() => _index.Email("   "));
    }
}
