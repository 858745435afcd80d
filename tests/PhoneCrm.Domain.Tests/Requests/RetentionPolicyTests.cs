using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Requests;

namespace PhoneCrm.Domain.Tests.Requests;

public sealed class RetentionPolicyTests
{
    private static readonly DateTimeOffset _now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, int?> _legalTerms = new();
    private static readonly Guid _id = Guid.NewGuid();

    private static RetentionPurposeFact Withdrawn(string purpose, double daysAgo, string basis = "consent") =>
        new(purpose, "sms", ConsentStatus.Withdrawn, basis, _now.AddDays(-daysAgo), null);

    private static RetentionPurposeFact Active(string purpose, string basis = "consent", double? expiresInDays = null) =>
        new(purpose, "sms", ConsentStatus.Active, basis, null, expiresInDays is { } d ? _now.AddDays(d) : null);

    private static RetentionDecision Decide(IReadOnlyDictionary<string, int?>? terms = null, RetentionOrderFact? order = null,
        params RetentionPurposeFact[] purposes) =>
        RetentionPolicy.Decide(new RetentionFacts(_id, purposes, order), terms ?? _legalTerms, _now);

    [Fact]
    public void A_consent_withdrawn_31_days_ago_with_nothing_else_is_destroyed_naming_the_purpose_and_deadline()
    {
        var d = Decide(purposes: Withdrawn(ConsentTerms.Marketing, 31));

        Assert.Equal(RetentionVerdict.Destroy, d.Verdict);
        Assert.Equal(RetentionReasons.Withdrawn, d.Reason);
        Assert.Equal(ConsentTerms.Marketing, d.Purpose);
        Assert.Equal(_now.AddDays(-31), d.EndedAt);
        Assert.Equal(_now.AddDays(-1), d.DestroyBy);
    }

    [Theory]
    [InlineData(28.5, RetentionVerdict.Pending)]
    [InlineData(29, RetentionVerdict.Destroy)] // the daily run acts a day before the 30-day deadline
    [InlineData(45, RetentionVerdict.Destroy)]
    public void Destruction_starts_a_day_before_the_30_day_deadline(double daysAgo, RetentionVerdict verdict)
    {
        var d = Decide(purposes: Withdrawn(ConsentTerms.Marketing, daysAgo));

        Assert.Equal(verdict, d.Verdict);
        Assert.Equal(_now.AddDays(30 - daysAgo - 1), d.DestroyFrom);
    }

    [Fact]
    public void A_contract_basis_keeps_the_person_though_marketing_was_withdrawn_long_ago()
    {
        var d = Decide(purposes: [Withdrawn(ConsentTerms.Marketing, 200), Active(ConsentTerms.Transactional, "contract")]);

        Assert.Equal(RetentionVerdict.Keep, d.Verdict);
        Assert.Equal(RetentionReasons.OtherBasis, d.Reason);
        Assert.Equal(ConsentTerms.Transactional, d.Purpose);
    }

    [Fact]
    public void Another_purpose_still_consented_keeps_the_person()
    {
        var d = Decide(purposes: [Withdrawn(ConsentTerms.Marketing, 200), Active(ConsentTerms.Surveys, expiresInDays: 10)]);

        Assert.Equal(RetentionVerdict.Keep, d.Verdict);
        Assert.Equal(RetentionReasons.ActiveConsent, d.Reason);
    }

    [Fact]
    public void An_expired_consent_counts_as_ended_from_its_expiry()
    {
        var expired = new RetentionPurposeFact(ConsentTerms.Marketing, "sms", ConsentStatus.Active, "consent", null, _now.AddDays(-40));

        var d = Decide(purposes: expired);

        Assert.Equal(RetentionVerdict.Destroy, d.Verdict);
        Assert.Equal(RetentionReasons.Expired, d.Reason);
        Assert.Equal(_now.AddDays(-40), d.EndedAt);
    }

    [Fact]
    public void An_expired_contract_basis_keeps_nobody()
    {
        var ended = new RetentionPurposeFact(ConsentTerms.Transactional, "sms", ConsentStatus.Active, "contract", null, _now.AddDays(-35));

        Assert.Equal(RetentionVerdict.Destroy, Decide(purposes: ended).Verdict);
    }

    [Fact]
    public void The_purpose_that_ends_last_decides_the_day()
    {
        var d = Decide(purposes: [Withdrawn(ConsentTerms.Marketing, 100), Withdrawn(ConsentTerms.Surveys, 10)]);

        Assert.Equal(RetentionVerdict.Pending, d.Verdict);
        Assert.Equal(ConsentTerms.Surveys, d.Purpose);
        Assert.Equal(_now.AddDays(19), d.DestroyFrom);
    }

    [Fact]
    public void A_purposes_shorter_term_brings_the_day_forward_and_a_longer_one_is_capped_by_law()
    {
        var shorter = Decide(new Dictionary<string, int?> { [ConsentTerms.AdAudiences] = 3 }, null, Withdrawn(ConsentTerms.AdAudiences, 5));
        var longer = Decide(new Dictionary<string, int?> { [ConsentTerms.AdAudiences] = 90 }, null, Withdrawn(ConsentTerms.AdAudiences, 31));

        Assert.Equal(RetentionVerdict.Destroy, shorter.Verdict);
        Assert.Equal(_now.AddDays(-2), shorter.DestroyBy);
        Assert.Equal(RetentionVerdict.Destroy, longer.Verdict);
        Assert.Equal(_now.AddDays(-1), longer.DestroyBy);
    }

    [Fact]
    public void An_order_not_yet_delivered_keeps_the_person_until_it_is_or_it_is_old()
    {
        var withdrawn = Withdrawn(ConsentTerms.Marketing, 60);

        Assert.Equal(RetentionReasons.OpenOrder, Decide(order: new(EventTypes.OrderPaid, _now.AddDays(-5)), purposes: withdrawn).Reason);
        Assert.Equal(RetentionVerdict.Destroy, Decide(order: new(EventTypes.OrderDelivered, _now.AddDays(-5)), purposes: withdrawn).Verdict);
        Assert.Equal(RetentionVerdict.Destroy, Decide(order: new(EventTypes.OrderPlaced, _now.AddDays(-200)), purposes: withdrawn).Verdict);
    }

    [Fact]
    public void Nobody_without_a_purpose_in_the_ledger_is_judged()
    {
        var d = Decide();

        Assert.Equal(RetentionVerdict.Keep, d.Verdict);
        Assert.Equal(RetentionReasons.NoPurposes, d.Reason);
    }
}
