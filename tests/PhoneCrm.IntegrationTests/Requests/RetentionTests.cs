using System.Net;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Requests;

[Collection(AppCollection.Name)]
public sealed class RetentionTests(AppFixture app)
{
    private sealed record Person(string Phone, Guid ContactId);

    /// <summary>The tenant's base: one person of each kind the retention rule tells apart.</summary>
    private sealed record Base(Person WithdrawnLongAgo, Person ContractToo, Person WithdrawnRecently, Person StillConsenting);

    private static string NewPhone() => "+7916" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Task<Person> PersonAsync(TestTenant tenant, double? withdrawnDaysAgo, string? alsoContractPurpose = null) =>
        tenant.App.InTenantAsync(tenant.Id, async sp =>
        {
            var ledger = sp.GetRequiredService<ConsentLedger>();
            var phone = NewPhone();
            var grantedAt = DateTimeOffset.UtcNow.AddDays(-60);
            var granted = await ledger.GrantAsync(new GrantInput(phone, ConsentTerms.Marketing, "sms", "consent", null,
                new ConsentEvidence("staff", grantedAt)));
            Assert.True(granted.IsValid, granted.Errors.ToString());
            var contactId = granted.Record!.ContactId;
            if (alsoContractPurpose is not null)
            {
                var contract = await ledger.GrantAsync(new GrantInput(phone, alsoContractPurpose, "sms", "contract", null, new ConsentEvidence("staff", grantedAt)));
                Assert.True(contract.IsValid, contract.Errors.ToString());
            }

            if (withdrawnDaysAgo is { } days)
            {
                var withdrawn = await ledger.WithdrawAsync(contactId, ConsentTerms.Marketing, null,
                    new ConsentEvidence("staff", DateTimeOffset.UtcNow.AddDays(-days)));
                Assert.Equal(1, withdrawn.Withdrawn);
            }

            return new Person(phone, contactId);
        });

    private async Task<Base> BaseAsync(TestTenant tenant) => new(
        await PersonAsync(tenant, withdrawnDaysAgo: 31),
        await PersonAsync(tenant, withdrawnDaysAgo: 31, alsoContractPurpose: ConsentTerms.Transactional),
        await PersonAsync(tenant, withdrawnDaysAgo: 10),
        await PersonAsync(tenant, withdrawnDaysAgo: null));

    private Task<RetentionRun?> RunAsync(TestTenant tenant) =>
        app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<RetentionJobs>().RunTenantAsync(tenant.Id, CancellationToken.None));

    private static Task<string> StatusAsync(TestTenant tenant, Person person) =>
        tenant.WithDbAsync(db => db.Contacts.Where(c => c.Id == person.ContactId).Select(c => c.Status).SingleAsync());

    [Fact]
    public async Task A_consent_withdrawn_31_days_ago_with_no_other_basis_is_destroyed_with_an_act_and_a_contract_basis_keeps_the_other()
    {
        var tenant = await app.CreateTenantAsync();
        var people = await BaseAsync(tenant);

        var run = await RunAsync(tenant);

        Assert.NotNull(run);
        Assert.Equal(RetentionRunStatus.Completed, run.Status);
        Assert.Equal(1, run.Destroyed);
        Assert.Equal(0, run.Failed);
        Assert.Single(run.ActIds);
        Assert.Equal(ContactStatus.Erased, await StatusAsync(tenant, people.WithdrawnLongAgo));
        Assert.Equal(ContactStatus.Active, await StatusAsync(tenant, people.ContractToo));
        Assert.Equal(ContactStatus.Active, await StatusAsync(tenant, people.WithdrawnRecently));
        Assert.Equal(ContactStatus.Active, await StatusAsync(tenant, people.StillConsenting));
        var act = await tenant.WithDbAsync(db => db.DestructionActs.SingleAsync());
        Assert.Equal(run.ActIds[0], act.Id);
        Assert.Equal(people.WithdrawnLongAgo.ContactId, act.ContactId);
        Assert.Equal(DestructionReasons.Retention, act.Reason);
        Assert.Contains(DestroyedCategories.Phone, act.Categories);
        Assert.Empty(await tenant.WithDbAsync(db => db.Contacts.Where(c => c.Id == people.ContractToo.ContactId && c.Status == ContactStatus.Erased).ToListAsync()));
        var stored = await tenant.WithDbAsync(db => db.RetentionRuns.SingleAsync());
        Assert.Equal(run.ActIds, stored.ActIds);
        Assert.NotNull(stored.FinishedAt);
        Assert.True(stored.Examined >= 1);
    }

    [Fact]
    public async Task Running_the_job_twice_changes_nothing_the_second_time()
    {
        var tenant = await app.CreateTenantAsync();
        var people = await BaseAsync(tenant);

        var first = await RunAsync(tenant);
        var statusesAfterFirst = await tenant.WithDbAsync(db => db.Contacts.OrderBy(c => c.Id).Select(c => c.Status + c.UpdatedAt).ToListAsync());
        var second = await RunAsync(tenant);

        Assert.Equal(1, first!.Destroyed);
        Assert.Equal(0, second!.Destroyed);
        Assert.Empty(second.ActIds);
        Assert.Equal(statusesAfterFirst, await tenant.WithDbAsync(db => db.Contacts.OrderBy(c => c.Id).Select(c => c.Status + c.UpdatedAt).ToListAsync()));
        Assert.Equal(2, await tenant.WithDbAsync(db => db.RetentionRuns.CountAsync(r => r.Status == RetentionRunStatus.Completed)));
        Assert.Equal(ContactStatus.Erased, await StatusAsync(tenant, people.WithdrawnLongAgo));
        Assert.Equal(1, await tenant.WithDbAsync(db => db.DestructionActs.CountAsync()));
    }

    [Fact]
    public async Task An_interrupted_run_is_resumed_after_its_cursor_not_started_again()
    {
        var tenant = await app.CreateTenantAsync();
        var people = await BaseAsync(tenant);
        // A run that died after examining everything up to (and including) the first candidate in uuid order.
        var firstCandidate = await app.InTenantAsync(tenant.Id, sp =>
            sp.GetRequiredService<Retention>().CandidatesAsync(null, DateTimeOffset.UtcNow, 1, CancellationToken.None));
        var startedAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        await tenant.WithDbAsync(async db =>
        {
            db.RetentionRuns.Add(new RetentionRun { StartedAt = startedAt, Cursor = firstCandidate[0], Examined = 1 });
            return await db.SaveChangesAsync();
        });

        var resumed = await RunAsync(tenant);

        Assert.Equal(startedAt.ToUnixTimeSeconds(), resumed!.StartedAt.ToUnixTimeSeconds());
        Assert.Equal(RetentionRunStatus.Completed, resumed.Status);
        Assert.Equal(1, await tenant.WithDbAsync(db => db.RetentionRuns.CountAsync()));
        // The one due person is destroyed only if it lay after the cursor; the next run catches it otherwise.
        var expected = firstCandidate[0] == people.WithdrawnLongAgo.ContactId ? 0 : 1;
        Assert.Equal(expected, resumed.Destroyed);
        Assert.Equal(1 - expected, (await RunAsync(tenant))!.Destroyed);
        Assert.Equal(ContactStatus.Erased, await StatusAsync(tenant, people.WithdrawnLongAgo));
    }

    [Fact]
    public async Task The_preview_lists_who_goes_next_masked_with_reason_and_day()
    {
        var tenant = await app.CreateTenantAsync();
        var people = await BaseAsync(tenant);

        var preview = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<Retention>().PreviewAsync());

        Assert.Equal([people.WithdrawnLongAgo.ContactId, people.WithdrawnRecently.ContactId], preview.Select(p => p.ContactId));
        var due = preview[0];
        Assert.True(due.Due);
        Assert.Equal(RetentionReasons.Withdrawn, due.Reason);
        Assert.Equal(ConsentTerms.Marketing, due.Purpose);
        Assert.Equal(PhoneMasking.Mask(people.WithdrawnLongAgo.Phone), due.MaskedPhone);
        Assert.DoesNotContain(people.WithdrawnLongAgo.Phone[5..], due.MaskedPhone, StringComparison.Ordinal);
        var later = preview[1];
        Assert.False(later.Due);
        Assert.InRange((later.DestroyFrom - DateTimeOffset.UtcNow).TotalDays, 18.9, 19.1); // withdrawn 10 days ago: day 29

        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);
        var page = await officer.Client.GetStringAsync("/retention");
        Assert.Contains(due.MaskedPhone, WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains("id=\"retention-rules\"", page, StringComparison.Ordinal);
        await RunAsync(tenant);
        page = await officer.Client.GetStringAsync("/retention");
        Assert.Contains("id=\"retention-runs\"", page, StringComparison.Ordinal);
        Assert.Contains("class=\"run-destroyed\">1<", page, StringComparison.Ordinal);
        Assert.DoesNotContain(due.MaskedPhone, WebUtility.HtmlDecode(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_purposes_shorter_destruction_term_is_set_on_the_consent_settings_and_shown_on_the_retention_page()
    {
        var tenant = await app.CreateTenantAsync();
        using var admin = await tenant.SignInAsync(Role.Admin);

        var refused = await admin.PostFormAsync("/settings/consent/purposes/ad_audiences",
            new() { ["RetentionDays"] = "45", ["ValidityDays"] = "365", ["AllowedBases"] = "consent" }, tokenFrom: "/settings/consent");
        var saved = await admin.PostFormAsync("/settings/consent/purposes/ad_audiences",
            new() { ["RetentionDays"] = "3", ["ValidityDays"] = "365", ["AllowedBases"] = "consent" }, tokenFrom: "/settings/consent");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var rules = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<Retention>().RulesAsync());
        Assert.Equal(3, rules.Single(r => r.Code == ConsentTerms.AdAudiences).DestructionDays);
        Assert.Equal(30, rules.Single(r => r.Code == ConsentTerms.Marketing).DestructionDays);
    }

    [Fact]
    public void The_job_is_scheduled_daily_under_its_fixed_id()
    {
        using var connection = app.Factory.Services.GetRequiredService<JobStorage>().GetConnection();

        var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == RetentionJobs.JobId);

        Assert.Equal("0 2 * * *", job.Cron);
    }
}
