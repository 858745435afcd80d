using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Hygiene;

/// <summary>The hygiene jobs of api-v1 "Hygiene jobs" on real PostgreSQL, with the clock injected (nothing sleeps).</summary>
[Collection(AppCollection.Name)]
public sealed class HygieneJobsTests(AppFixture app)
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly SendIntent Promotion = new(ConsentTerms.Marketing, SmsCategories.Promotional, SmsKinds.Campaign);

    private static string NewPhone() => "+7916" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture);

    private static Task<Guid> ConsentingContactAsync(TestTenant tenant) => tenant.App.InTenantAsync(tenant.Id, async sp =>
    {
        var granted = await sp.GetRequiredService<ConsentLedger>().GrantAsync(new GrantInput(NewPhone(), ConsentTerms.Marketing, "sms", "consent", null,
            new ConsentEvidence("staff", DateTimeOffset.UtcNow.AddDays(-90))));
        Assert.True(granted.IsValid, granted.Errors.ToString());
        return granted.Record!.ContactId;
    });

    /// <summary>Marketing messages to the contact that ended in <paramref name="status"/> at each receipt time.</summary>
    private static Task MessagesAsync(TestTenant tenant, Guid contactId, string status, params DateTimeOffset[] receipts) => tenant.WithDbAsync(async db =>
    {
        var phoneIndex = await db.Contacts.Where(c => c.Id == contactId).Select(c => c.PhoneIndex).SingleAsync();
        foreach (var at in receipts)
        {
            db.SmsMessages.Add(new SmsMessage
            {
                ContactId = contactId, Kind = SmsKinds.Campaign, Purpose = ConsentTerms.Marketing, Category = SmsCategories.Promotional,
                PhoneCipher = [1], PhoneIndex = phoneIndex, TextCipher = [1], IdempotencyKey = Guid.NewGuid().ToString(),
                Status = status, CreatedAt = at.AddMinutes(-5), SentAt = at.AddMinutes(-5), StatusAt = at,
            });
        }

        return await db.SaveChangesAsync();
    });

    /// <summary>The job as registered, but on a clock fixed at <paramref name="now"/> (a job that reads no clock takes none).</summary>
    private Task<TenantJobResult> RunAsync<TJob>(TestTenant tenant, DateTimeOffset now) where TJob : ITenantJob =>
        app.InTenantAsync(tenant.Id, sp =>
        {
            var readsClock = typeof(TJob).GetConstructors().Single().GetParameters().Any(p => p.ParameterType == typeof(TimeProvider));
            var job = readsClock ? ActivatorUtilities.CreateInstance<TJob>(sp, new FixedClock(now)) : sp.GetRequiredService<TJob>();
            return job.RunTenantAsync(tenant.Id, CancellationToken.None);
        });

    private Task<SendDecision> DecideAsync(TestTenant tenant, Guid contactId) => app.InTenantAsync(tenant.Id, async sp =>
        (await sp.GetRequiredService<SendPolicyService>().DecideAsync(Promotion, [contactId]))[contactId]);

    private static Task<Contact> ContactAsync(TestTenant tenant, Guid id) => tenant.WithDbAsync(db => db.Contacts.AsNoTracking().SingleAsync(c => c.Id == id));

    [Fact]
    public async Task A_number_failing_on_3_local_days_is_excluded_and_on_2_is_not_counting_two_failures_of_one_Moscow_day_once()
    {
        var tenant = await app.CreateTenantAsync();
        var now = At("2026-12-04T12:00:00Z");
        var twoDays = await ConsentingContactAsync(tenant);
        var threeDays = await ConsentingContactAsync(tenant);
        // 22:00 UTC on 30 Nov is 01:00 on 1 Dec in Moscow: three UTC dates, but two Moscow days.
        await MessagesAsync(tenant, twoDays, SmsStatus.Undelivered, At("2026-11-30T22:00:00Z"), At("2026-12-01T10:00:00Z"));
        await MessagesAsync(tenant, twoDays, SmsStatus.Expired, At("2026-12-02T10:00:00Z"));
        await MessagesAsync(tenant, threeDays, SmsStatus.Rejected, At("2026-12-01T10:00:00Z"), At("2026-12-02T10:00:00Z"));
        await MessagesAsync(tenant, threeDays, SmsStatus.Undelivered, At("2026-12-03T10:00:00Z"));
        // Failures older than 30 days do not count.
        await MessagesAsync(tenant, twoDays, SmsStatus.Undelivered, At("2026-10-20T10:00:00Z"));

        var first = await RunAsync<FailedDeliveriesJob>(tenant, now);
        var second = await RunAsync<FailedDeliveriesJob>(tenant, now);

        Assert.Equal(1, first.Changed);
        Assert.Equal(0, second.Changed);
        var excluded = await ContactAsync(tenant, threeDays);
        Assert.Equal((ContactStatus.Unreachable, ContactStatusReasons.FailedDeliveries), (excluded.Status, excluded.StatusReason));
        Assert.Equal(ContactStatus.Active, (await ContactAsync(tenant, twoDays)).Status);
        Assert.Equal(SendReasons.InvalidPhone, (await DecideAsync(tenant, threeDays)).Reason);
        Assert.NotEqual(SendReasons.InvalidPhone, (await DecideAsync(tenant, twoDays)).Reason);
    }

    [Fact]
    public async Task Six_unanswered_deliveries_stop_marketing_as_unengaged_and_a_click_restores_it()
    {
        var tenant = await app.CreateTenantAsync();
        var now = DateTimeOffset.UtcNow;
        var six = await ConsentingContactAsync(tenant);
        var five = await ConsentingContactAsync(tenant);
        await MessagesAsync(tenant, six, SmsStatus.Delivered, [.. Enumerable.Range(1, 6).Select(d => now.AddDays(-d))]);
        await MessagesAsync(tenant, five, SmsStatus.Delivered, [.. Enumerable.Range(1, 5).Select(d => now.AddDays(-d))]);
        // A failed message is not an unanswered one.
        await MessagesAsync(tenant, five, SmsStatus.Undelivered, now.AddDays(-1));

        var first = await RunAsync<EngagementJob>(tenant, now);
        var second = await RunAsync<EngagementJob>(tenant, now);

        Assert.True(first.Changed >= 2);
        Assert.Equal(0, second.Changed);
        Assert.Equal(6, (await ContactAsync(tenant, six)).Stats.UnansweredMessages);
        Assert.Equal(5, (await ContactAsync(tenant, five)).Stats.UnansweredMessages);
        var stopped = await DecideAsync(tenant, six);
        Assert.Equal((SendOutcome.Skip, SendReasons.Unengaged), (stopped.Outcome, stopped.Reason));
        Assert.NotEqual(SendReasons.Unengaged, (await DecideAsync(tenant, five)).Reason);

        const string code = "hyg";
        var link = code + Guid.NewGuid().ToString("N")[..10];
        await tenant.WithDbAsync(db =>
        {
            db.ShortLinks.Add(new ShortLink { Code = link, OwnerTenantId = tenant.Id, CampaignId = Guid.NewGuid(), ContactId = six, Url = "https://shop.test/", CreatedAt = now });
            return db.SaveChangesAsync();
        });
        Assert.NotNull(await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ShortLinks>().FollowAsync(link)));

        var clicked = await ContactAsync(tenant, six);
        Assert.Equal(0, clicked.Stats.UnansweredMessages);
        Assert.NotNull(clicked.Stats.LastEngagedAt);
        Assert.NotEqual(SendReasons.Unengaged, (await DecideAsync(tenant, six)).Reason);
        // The daily recompute agrees with the click: nothing to change.
        Assert.Equal(0, (await RunAsync<EngagementJob>(tenant, DateTimeOffset.UtcNow)).Details!["recomputed"]);
        var snapshot = await tenant.WithDbAsync(db => db.BaseHealthSnapshots.AsNoTracking().SingleAsync());
        Assert.Equal(2, snapshot.Total);
        Assert.True(await tenant.WithDbAsync(db => db.Segments.AnyAsync(s => s.Name == HygieneRules.ReactivationSegmentName)));
    }

    [Fact]
    public async Task A_reconciliation_fixes_a_planted_mismatch_from_the_ledger_and_records_an_unrecorded_opt_out()
    {
        var tenant = await app.CreateTenantAsync();
        var stale = await ConsentingContactAsync(tenant);
        var optedOut = await ConsentingContactAsync(tenant);
        var fine = await ConsentingContactAsync(tenant);
        await app.InTenantAsync(tenant.Id, async sp =>
            (await sp.GetRequiredService<ConsentLedger>().WithdrawAsync(stale, ConsentTerms.Marketing, "sms", new ConsentEvidence("staff"))).Withdrawn);
        // Planted: the state says active although the ledger's last word is a withdrawal; and an opt-out only in the journal.
        await tenant.WithDbAsync(db => db.ConsentStates.Where(s => s.ContactId == stale).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, ConsentStatus.Active)));
        await tenant.WithDbAsync(async db =>
        {
            var index = await db.Contacts.Where(c => c.Id == optedOut).Select(c => c.PhoneIndex).SingleAsync();
            db.Suppressions.Add(new Suppression { PhoneIndex = index, Scope = SuppressionScopes.Marketing, Reason = "stop_reply", CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });

        var first = await RunAsync<OptOutReconciliationJob>(tenant, DateTimeOffset.UtcNow);
        var second = await RunAsync<OptOutReconciliationJob>(tenant, DateTimeOffset.UtcNow);

        Assert.Equal(1, first.Details!["stateFixed"]);
        Assert.Equal(1, first.Details!["optOutRecorded"]);
        Assert.Equal(0, second.Changed);
        var states = await tenant.WithDbAsync(db => db.ConsentStates.AsNoTracking().ToDictionaryAsync(s => s.ContactId, s => s.Status));
        Assert.Equal(ConsentStatus.Withdrawn, states[stale]);
        Assert.Equal(ConsentStatus.Withdrawn, states[optedOut]);
        Assert.Equal(ConsentStatus.Active, states[fine]);
        var ledger = await tenant.WithDbAsync(db => db.ConsentRecords.AsNoTracking().Where(r => r.ContactId == optedOut).OrderBy(r => r.Seq).Select(r => r.Action).ToListAsync());
        Assert.Equal([ConsentActions.Grant, ConsentActions.Withdraw], ledger);
        Assert.True(await tenant.WithDbAsync(db => db.AuditLog.AnyAsync(a => a.Action == "consent.reconciled")));
        Assert.True((await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ConsentLedger>().VerifyChainAsync())).Valid);
    }

    [Fact]
    public async Task The_runner_records_each_run_with_what_changed()
    {
        var tenant = await app.CreateTenantAsync();
        await ConsentingContactAsync(tenant);

        var changed = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<TenantJobRunner>().RunTenantAsync(EngagementJob.JobId, tenant.Id, CancellationToken.None));

        var run = await tenant.WithDbAsync(db => db.JobRuns.AsNoTracking().SingleAsync());
        Assert.Equal((EngagementJob.JobId, JobRunStatus.Completed, changed), (run.JobId, run.Status, run.Changed));
        Assert.Contains("\"recomputed\"", run.Details, StringComparison.Ordinal);
        Assert.NotNull(run.DurationMs);
    }

    [Fact]
    public async Task The_hygiene_page_lists_an_excluded_number_whose_restore_is_one_audited_click_and_names_the_responsible_person()
    {
        var tenant = await app.CreateTenantAsync();
        var contact = await ConsentingContactAsync(tenant);
        await MessagesAsync(tenant, contact, SmsStatus.Undelivered, [.. Enumerable.Range(1, 3).Select(d => DateTimeOffset.UtcNow.AddDays(-d))]);
        await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<TenantJobRunner>().RunTenantAsync(FailedDeliveriesJob.JobId, tenant.Id, CancellationToken.None));
        await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<TenantJobRunner>().RunTenantAsync(EngagementJob.JobId, tenant.Id, CancellationToken.None));
        using var admin = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Admin);

        var named = await admin.PostFormAsync("/hygiene/responsible", new() { ["name"] = "Ирина Петрова, DPO" }, tokenFrom: "/hygiene");
        var page = await (await admin.GetAsync("/hygiene")).Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.Redirect, named.StatusCode);
        Assert.Contains("Гигиена базы", page, StringComparison.Ordinal);
        Assert.Contains("Ирина Петрова, DPO", page, StringComparison.Ordinal);
        Assert.Contains($"data-contact=\"{contact}\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"health-trend\"", page, StringComparison.Ordinal);
        Assert.Contains("data-job=\"hygiene-failed-deliveries\"", page, StringComparison.Ordinal);

        var restored = await admin.PostFormAsync("/hygiene/restore", new() { ["contactId"] = contact.ToString() }, tokenFrom: "/hygiene");

        Assert.Equal(System.Net.HttpStatusCode.Redirect, restored.StatusCode);
        var back = await ContactAsync(tenant, contact);
        Assert.Equal((ContactStatus.Active, (string?)null), (back.Status, back.StatusReason));
        Assert.True(await tenant.WithDbAsync(db => db.AuditLog.AnyAsync(a => a.Action == "contact.restored")));
        // The failures before the restore no longer count.
        Assert.Equal(0, (await RunAsync<FailedDeliveriesJob>(tenant, DateTimeOffset.UtcNow)).Changed);
    }
}
