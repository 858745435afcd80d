using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Domain.Tests.Messaging;

public sealed class SendPolicyTests
{
    private static readonly SendIntent _promo = new("marketing", SmsCategories.Promotional, SmsKinds.Campaign);
    private static readonly SendIntent _info = new("marketing", SmsCategories.Informational, SmsKinds.Campaign);
    private static readonly SendIntent _transactional = new("transactional", SmsCategories.Transactional, SmsKinds.Automation);
    private static readonly SendIntent _urgent = _transactional with { Urgent = true };

    // Wednesday 2026-11-25 12:00 Moscow (09:00 UTC): inside the default window everywhere in European Russia.
    private static readonly DateTimeOffset _noonMoscow = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static RecipientFacts Facts(
        string status = ContactStatus.Active, string phoneType = PhoneTypes.Mobile, string zone = "Europe/Moscow",
        string? frequency = null, bool consent = true, string? suppression = null,
        int day = 0, int infoWeek = 0, int promoMonth = 0, int marketingWeek = 0, int marketingMonth = 0) =>
        new(Guid.NewGuid(), status, phoneType, zone, frequency, consent, suppression, day, infoWeek, promoMonth, marketingWeek, marketingMonth);

    private static SendingSettings Settings() => SendingSettings.Defaults(Guid.NewGuid());

    private static SendDecision Decide(SendIntent intent, RecipientFacts facts, DateTimeOffset? now = null, SendingSettings? settings = null) =>
        SendPolicy.Decide(intent, facts, settings ?? Settings(), now ?? _noonMoscow);

    [Fact]
    public void Consented_contact_inside_the_window_is_sent()
    {
        Assert.Equal(SendDecision.Send, Decide(_promo, Facts()));
    }

    [Theory]
    [InlineData(ContactStatus.Erased, PhoneTypes.Mobile, true, null, SendReasons.Erased)]
    [InlineData(ContactStatus.Unreachable, PhoneTypes.Mobile, true, null, SendReasons.InvalidPhone)]
    [InlineData(ContactStatus.Active, PhoneTypes.FixedLine, true, null, SendReasons.InvalidPhone)]
    [InlineData(ContactStatus.Active, PhoneTypes.Mobile, true, SuppressionScopes.Marketing, SendReasons.Suppressed)]
    [InlineData(ContactStatus.Active, PhoneTypes.Mobile, false, null, SendReasons.NoConsent)]
    [InlineData(ContactStatus.Erased, PhoneTypes.FixedLine, false, SuppressionScopes.All, SendReasons.Erased)]
    [InlineData(ContactStatus.Active, PhoneTypes.Mobile, false, SuppressionScopes.Marketing, SendReasons.Suppressed)]
    public void Skips_with_the_first_failing_reason(string status, string phoneType, bool consent, string? suppression, string reason)
    {
        var decision = Decide(_promo, Facts(status, phoneType, consent: consent, suppression: suppression));
        Assert.Equal(SendOutcome.Skip, decision.Outcome);
        Assert.Equal(reason, decision.Reason);
    }

    [Fact]
    public void Marketing_suppression_does_not_stop_transactional_but_all_scope_does()
    {
        Assert.Equal(SendOutcome.Send, Decide(_transactional, Facts(suppression: SuppressionScopes.Marketing)).Outcome);
        Assert.Equal(SendReasons.Suppressed, Decide(_transactional, Facts(suppression: SuppressionScopes.All)).Reason);
    }

    [Theory]
    [InlineData(2, 0, 0, true)]
    [InlineData(1, 0, 1, false)]
    [InlineData(1, 0, 2, true)]
    [InlineData(0, 5, 1, false)]
    public void Promotional_caps(int day, int infoWeek, int promoMonth, bool capped)
    {
        var decision = Decide(_promo, Facts(day: day, infoWeek: infoWeek, promoMonth: promoMonth));
        Assert.Equal(capped ? SendReasons.FrequencyCap : null, decision.Reason);
    }

    [Theory]
    [InlineData(0, 2, 0, true)]
    [InlineData(0, 1, 9, false)]
    [InlineData(2, 0, 0, true)]
    public void Informational_caps(int day, int infoWeek, int promoMonth, bool capped)
    {
        var decision = Decide(_info, Facts(day: day, infoWeek: infoWeek, promoMonth: promoMonth));
        Assert.Equal(capped ? SendReasons.FrequencyCap : null, decision.Reason);
    }

    [Fact]
    public void Caps_come_from_the_settings()
    {
        var settings = Settings();
        settings.CapPerDay = 5;
        settings.CapPromotionalPerMonth = 10;
        Assert.Equal(SendOutcome.Send, Decide(_promo, Facts(day: 4, promoMonth: 9), settings: settings).Outcome);
        Assert.Equal(SendReasons.FrequencyCap, Decide(_promo, Facts(day: 5), settings: settings).Reason);
    }

    [Theory]
    [InlineData(MarketingFrequency.Weekly, 1, 1, true)]
    [InlineData(MarketingFrequency.Weekly, 0, 1, false)]
    [InlineData(MarketingFrequency.Monthly, 0, 1, true)]
    [InlineData(MarketingFrequency.Monthly, 0, 0, false)]
    [InlineData(null, 1, 1, false)]
    public void Own_frequency_preference(string? frequency, int week, int month, bool capped)
    {
        var decision = Decide(_promo, Facts(frequency: frequency, marketingWeek: week, marketingMonth: month));
        Assert.Equal(capped ? SendReasons.FrequencyCap : null, decision.Reason);
    }

    [Fact]
    public void Transactional_ignores_caps()
    {
        Assert.Equal(SendOutcome.Send, Decide(_transactional, Facts(day: 10, frequency: MarketingFrequency.Monthly, marketingMonth: 3)).Outcome);
    }

    [Fact]
    public void Vladivostok_at_23_local_is_deferred_to_09_local_next_day()
    {
        // 2026-11-25 23:00 in Vladivostok (UTC+10) = 13:00 UTC.
        var now = new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);
        var decision = Decide(_promo, Facts(zone: "Asia/Vladivostok"), now);
        Assert.Equal(SendOutcome.Defer, decision.Outcome);
        Assert.Equal(SendReasons.QuietHours, decision.Reason);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.FromHours(10)), decision.DeferredUntil);
        // The same instant is 16:00 in Moscow: sent.
        Assert.Equal(SendOutcome.Send, Decide(_promo, Facts(zone: "Europe/Moscow"), now).Outcome);
    }

    [Fact]
    public void Early_morning_is_deferred_to_the_same_day()
    {
        // 06:30 in Yekaterinburg (UTC+5).
        var now = new DateTimeOffset(2026, 11, 25, 6, 30, 0, TimeSpan.FromHours(5));
        var decision = Decide(_promo, Facts(zone: "Asia/Yekaterinburg"), now);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(5)), decision.DeferredUntil);
    }

    [Fact]
    public void Unknown_contact_zone_falls_back_to_the_tenant_zone()
    {
        var settings = Settings();
        settings.TimeZone = "Asia/Vladivostok";
        var now = new DateTimeOffset(2026, 11, 25, 23, 0, 0, TimeSpan.FromHours(10));
        Assert.Equal(SendOutcome.Defer, Decide(_promo, Facts(zone: "Nowhere/Atlantis"), now, settings).Outcome);
    }

    [Fact]
    public void Disallowed_days_are_skipped_to_the_next_allowed_day()
    {
        var settings = Settings();
        settings.WindowDays = ["mon", "tue", "wed", "thu", "fri"];
        // Saturday 2026-11-28 12:00 Moscow → Monday 09:00.
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.FromHours(3));
        var decision = Decide(_promo, Facts(), now, settings);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.FromHours(3)), decision.DeferredUntil);
    }

    [Theory]
    [InlineData(23, true)]
    [InlineData(1, true)]
    [InlineData(7, false)]
    [InlineData(12, false)]
    public void Window_across_midnight(int hour, bool inside)
    {
        var settings = Settings();
        settings.WindowFrom = new TimeOnly(22, 0);
        settings.WindowTo = new TimeOnly(2, 0);
        var now = new DateTimeOffset(2026, 11, 25, hour, 0, 0, TimeSpan.FromHours(3));
        var decision = Decide(_promo, Facts(), now, settings);
        Assert.Equal(inside ? SendOutcome.Send : SendOutcome.Defer, decision.Outcome);
        if (!inside) Assert.Equal(new DateTimeOffset(2026, 11, 25, 22, 0, 0, TimeSpan.FromHours(3)), decision.DeferredUntil);
    }

    [Fact]
    public void Across_midnight_morning_part_belongs_to_the_previous_day()
    {
        var settings = Settings();
        settings.WindowFrom = new TimeOnly(22, 0);
        settings.WindowTo = new TimeOnly(2, 0);
        settings.WindowDays = ["fri"];
        // Saturday 01:00 belongs to Friday's window; Friday 01:00 does not (Thursday is not allowed).
        Assert.Equal(SendOutcome.Send, Decide(_promo, Facts(), new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.FromHours(3)), settings).Outcome);
        var friday = Decide(_promo, Facts(), new DateTimeOffset(2026, 11, 27, 1, 0, 0, TimeSpan.FromHours(3)), settings);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 22, 0, 0, TimeSpan.FromHours(3)), friday.DeferredUntil);
    }

    [Fact]
    public void Transactional_respects_quiet_hours_unless_urgent()
    {
        var night = new DateTimeOffset(2026, 11, 25, 23, 0, 0, TimeSpan.FromHours(10));
        Assert.Equal(SendOutcome.Defer, Decide(_transactional, Facts(zone: "Asia/Vladivostok"), night).Outcome);
        Assert.Equal(SendOutcome.Send, Decide(_urgent, Facts(zone: "Asia/Vladivostok"), night).Outcome);
    }

    [Fact]
    public void Test_sends_need_no_consent_and_ignore_the_window_but_respect_suppression()
    {
        var test = new SendIntent("marketing", SmsCategories.Promotional, SmsKinds.Test);
        var night = new DateTimeOffset(2026, 11, 25, 23, 0, 0, TimeSpan.FromHours(3));
        Assert.Equal(SendOutcome.Send, Decide(test, Facts(consent: false, day: 9), night).Outcome);
        Assert.Equal(SendReasons.Suppressed, Decide(test, Facts(suppression: SuppressionScopes.Marketing)).Reason);
    }
}
