using PhoneCrm.Domain.Consent;

namespace PhoneCrm.Domain.Tests.Consent;

public sealed class ConsentChainTests
{
    private static List<(ChainedFields Fields, byte[] PreviousHash, byte[] Hash)> Build(int count)
    {
        var list = new List<(ChainedFields, byte[], byte[])>();
        var previous = ConsentChain.Genesis;
        var at = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.FromHours(3));
        for (var i = 1; i <= count; i++)
        {
            var f = new ChainedFields(i, Guid.NewGuid(), Guid.NewGuid(), "marketing", "sms", i % 2 == 0 ? "withdraw" : "grant",
                "consent", "web_form", at.AddMinutes(i), at.AddMinutes(i).AddSeconds(1), "203.0.113.5", "Mozilla/5.0",
                "https://shop.example/checkout", Guid.NewGuid(), "abc", "v1", null, null, at.AddYears(3));
            var hash = ConsentChain.Hash(previous, f);
            list.Add((f, previous, hash));
            previous = hash;
        }

        return list;
    }

    [Fact]
    public void An_untouched_chain_verifies() => Assert.Null(ConsentChain.FirstBroken(Build(10)));

    [Fact]
    public void An_empty_chain_verifies() => Assert.Null(ConsentChain.FirstBroken([]));

    [Fact]
    public void An_altered_field_is_found_at_its_record()
    {
        var chain = Build(10);
        chain[4] = (chain[4].Fields with { Ip = "198.51.100.1" }, chain[4].PreviousHash, chain[4].Hash);
        Assert.Equal(5, ConsentChain.FirstBroken(chain));
    }

    [Fact]
    public void A_deleted_record_is_found_where_the_gap_is()
    {
        var chain = Build(10);
        chain.RemoveAt(6);
        Assert.Equal(8, ConsentChain.FirstBroken(chain));
    }

    [Fact]
    public void A_rehashed_record_still_breaks_the_link_to_the_next()
    {
        var chain = Build(6);
        var forged = chain[2].Fields with { Action = "withdraw" };
        chain[2] = (forged, chain[2].PreviousHash, ConsentChain.Hash(chain[2].PreviousHash, forged));
        Assert.Equal(4, ConsentChain.FirstBroken(chain));
    }

    [Fact]
    public void Sub_microsecond_noise_does_not_change_the_hash()
    {
        var f = Build(1)[0].Fields;
        var g = f with { CapturedAt = f.CapturedAt.AddTicks(3) };
        Assert.Equal(ConsentChain.Hash(ConsentChain.Genesis, f), ConsentChain.Hash(ConsentChain.Genesis, g));
    }
}

public sealed class PurposeRuleTests
{
    private static PurposeRule Marketing => PurposeRule.BuiltIns.Single(p => p.Code == "marketing");

    [Theory]
    [InlineData("contract")]
    [InlineData("request")]
    [InlineData("booking")]
    [InlineData("legitimate_interest")]
    public void Marketing_rests_only_on_consent(string basis) => Assert.Contains("Marketing", Marketing.RefuseGrant(basis, "sms"));

    [Fact]
    public void Marketing_by_consent_is_allowed() => Assert.Null(Marketing.RefuseGrant("consent", "sms"));

    [Fact]
    public void Unknown_channel_and_basis_are_refused()
    {
        Assert.NotNull(Marketing.RefuseGrant("consent", "pigeon"));
        Assert.NotNull(Marketing.RefuseGrant("gut_feeling", "sms"));
    }

    [Fact]
    public void Transactional_accepts_a_contract_and_never_expires()
    {
        var t = PurposeRule.BuiltIns.Single(p => p.Code == "transactional");
        Assert.Null(t.RefuseGrant("contract", "sms"));
        Assert.Null(t.ExpiresAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void A_consent_text_without_the_required_parts_names_them()
    {
        var text = new ConsentTextContent("ООО «Сад»", "", "Рассылка акций", "Телефон", "Хранение, отправка SMS", "3 года", "", "Текст");
        Assert.Equal(["OperatorAddress", "Withdrawal"], text.Missing().Keys.Order());
        Assert.Equal(64, text.Hash().Length);
    }
}
