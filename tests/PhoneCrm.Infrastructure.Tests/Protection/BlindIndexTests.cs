using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Tests.Protection;

public sealed class BlindIndexTests : IDisposable
{
    private readonly BlindIndex _index = new(PiiKeyRing.CreateForTests());

    public void Dispose() => _index.Dispose();

    [Fact]
    public void IsDeterministicAndSixteenBytes()
    {
        Assert.Equal(_index.Phone("+79161234567"), _index.Phone("+79161234567"));
        Assert.Equal(BlindIndex.Size, _index.Phone("+79161234567").Length);
    }

    [Fact]
    public void PhoneUsesDigitsOnly() => Assert.Equal(_index.Phone("+79161234567"), _index.Phone("79161234567"));

    [Fact]
    public void DiffersAcrossKinds()
    {
        Assert.NotEqual(_index.NameToken("79161234567"), _index.Email("79161234567"));
    }

    [Fact]
    public void ErasureTombstonesAreTenantKeyedAndUnlinkableToIndexes()
    {
        var phone = _index.Phone("+79161234567");
        var a = _index.Tombstone(Guid.NewGuid(), phone);
        var b = _index.Tombstone(Guid.NewGuid(), phone);
        Assert.NotEqual(a, b);
        Assert.DoesNotContain(phone, new[] { a[..BlindIndex.Size], b[..BlindIndex.Size] });
        var tenant = Guid.NewGuid();
        Assert.Equal(_index.Tombstone(tenant, phone), _index.Tombstone(tenant, _index.Phone("79161234567")));
        using var other = new BlindIndex(PiiKeyRing.CreateForTests());
        Assert.NotEqual(_index.Tombstone(tenant, phone), other.Tombstone(tenant, other.Phone("+79161234567")));
    }

    [Fact]
    public void DiffersAcrossRings()
    {
        using var other = new BlindIndex(PiiKeyRing.CreateForTests());
        Assert.NotEqual(_index.Phone("+79161234567"), other.Phone("+79161234567"));
    }

    [Fact]
    public void EmailIsCaseAndWhitespaceInsensitive() =>
        Assert.Equal(_index.Email("anna.elkina@example.ru"), _index.Email("  Anna.Elkina@EXAMPLE.ru "));

    [Fact]
    public void TokenizesCompoundRussianNames() =>
        Assert.Equal(["анна", "мария", "елкина"], BlindIndex.TokenizeName("Анна-Мария", "Ёлкина"));

    [Fact]
    public void NameTokensMatchSearchTokens()
    {
        var tokens = _index.NameTokens("Анна-Мария Ёлкина", null);
        Assert.Equal([_index.NameToken("АННА"), _index.NameToken("мария"), _index.NameToken("Елкина")], tokens);
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
