using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Hygiene;

/// <summary>
/// <c>hygiene-reconsent</c> with the clock injected: a marketing consent older than 6 months gets exactly one request SMS
/// per cycle, confirming on the preferences page renews it, no answer in 30 days excludes it, a second run changes nothing.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class ReconsentTests(AppFixture app)
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [GeneratedRegex(@"/r/(\w+)")]
    private static partial Regex ShortLink();

    /// <summary>One tenant's run of the job as of <paramref name="now"/> (the job's clock; everything else runs on real time).</summary>
    private Task<TenantJobResult> RunAsync(TestTenant tenant, DateTimeOffset now) => app.InTenantAsync(tenant.Id, sp =>
        ActivatorUtilities.CreateInstance<ReconsentJob>(sp, new Clock(now)).RunTenantAsync(tenant.Id, CancellationToken.None));

    private static async Task<Guid> GrantAsync(HttpClient api, string phone, DateTimeOffset capturedAt)
    {
        var response = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone, purpose = "marketing", channel = "sms", legalBasis = "consent",
            evidence = new { method = "web_form", capturedAt, ip = "203.0.113.5", sourceUrl = "https://shop.example/checkout" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contactId").GetGuid();
    }

    private static Task<List<SmsMessage>> RequestsSentAsync(TestTenant tenant, Guid contactId) =>
        tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking().Where(m => m.ContactId == contactId && m.Kind == SmsKinds.Reconsent).ToListAsync());

    private static Task<ConsentState> MarketingAsync(TestTenant tenant, Guid contactId) =>
        tenant.WithDbAsync(db => db.ConsentStates.AsNoTracking().SingleAsync(s => s.ContactId == contactId && s.Purpose == "marketing"));

    [Fact]
    public async Task An_old_consent_gets_one_request_per_cycle_and_confirming_it_on_the_preferences_page_renews_it()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api);
        var now = DateTimeOffset.UtcNow;
        var old = await GrantAsync(api, Phone(21), now.AddMonths(-7));
        var recent = await GrantAsync(api, Phone(22), now.AddMonths(-1));

        // Through the runner once, as Hangfire would: the run history carries the report.
        await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<TenantJobRunner>().RunTenantAsync(ReconsentJob.JobId, tenant.Id, CancellationToken.None));
        var history = await tenant.WithDbAsync(db => db.JobRuns.AsNoTracking().SingleAsync(r => r.JobId == ReconsentJob.JobId));
        Assert.Equal(JobRunStatus.Completed, history.Status);
        var details = JsonSerializer.Deserialize<Dictionary<string, int>>(history.Details)!;
        Assert.Equal((1, 1, 0), (details["requested"], details["sent"], details["excluded"]));

        var again = await RunAsync(tenant, DateTimeOffset.UtcNow);
        Assert.Equal(0, again.Changed); // one cycle, one SMS
        var sms = Assert.Single(await RequestsSentAsync(tenant, old));
        Assert.Equal((SmsCategories.Transactional, "marketing"), (sms.Category, sms.Purpose));
        Assert.Empty(await RequestsSentAsync(tenant, recent));

        // The SMS's link opens the person's page with the question; one click confirms.
        var request = await tenant.WithDbAsync(db => db.ReconsentRequests.AsNoTracking().SingleAsync());
        var outbox = await OutboxTextAsync(api, Phone(21));
        Assert.Equal(request.LinkCode, ShortLink().Match(outbox).Groups[1].Value);
        using var browser = app.Session();
        var page = (await browser.GetAsync($"/r/{request.LinkCode}")).Headers.Location!.OriginalString;
        Assert.Contains("pref-reconsent-confirm", await (await browser.GetAsync(page)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var confirmed = await browser.PostFormAsync(page + "/reconsent", new(), tokenFrom: page);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);

        var records = await tenant.WithDbAsync(db => db.ConsentRecords.AsNoTracking().Where(r => r.ContactId == old).OrderBy(r => r.Seq).ToListAsync());
        Assert.Equal([ConsentActions.Grant, ConsentActions.Grant], records.Select(r => r.Action));
        Assert.Equal("web_link", records[1].Method);
        var state = await MarketingAsync(tenant, old);
        Assert.Equal((ConsentStatus.Active, records[1].Id), (state.Status, state.LastRecordId));
        Assert.NotNull((await tenant.WithDbAsync(db => db.ReconsentRequests.AsNoTracking().SingleAsync())).ConfirmedAt);
        Assert.DoesNotContain("pref-reconsent-confirm", await (await browser.GetAsync(page)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The grace period passes: a confirmed consent stays, and nobody is asked again this cycle.
        var later = await RunAsync(tenant, DateTimeOffset.UtcNow.AddDays(31));
        Assert.Equal(0, later.Changed);
        Assert.Equal(ConsentStatus.Active, (await MarketingAsync(tenant, old)).Status);
        Assert.Single(await RequestsSentAsync(tenant, old));
    }

    [Fact]
    public async Task No_answer_within_the_grace_period_excludes_from_marketing_and_a_second_run_changes_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api);
        var contact = await GrantAsync(api, Phone(31), DateTimeOffset.UtcNow.AddMonths(-8));
        Assert.Equal(1, (await RunAsync(tenant, DateTimeOffset.UtcNow)).Details!["sent"]);

        var early = await RunAsync(tenant, DateTimeOffset.UtcNow.AddDays(29));
        Assert.Equal(0, early.Changed);
        Assert.Equal(ConsentStatus.Active, (await MarketingAsync(tenant, contact)).Status);

        var lapsed = await RunAsync(tenant, DateTimeOffset.UtcNow.AddDays(31));
        Assert.Equal(1, lapsed.Details!["excluded"]);
        Assert.Equal(ConsentStatus.Withdrawn, (await MarketingAsync(tenant, contact)).Status);
        var last = await tenant.WithDbAsync(db => db.ConsentRecords.AsNoTracking().Where(r => r.ContactId == contact).OrderBy(r => r.Seq).LastAsync());
        Assert.Equal((ConsentActions.Withdraw, "reconsent_lapsed"), (last.Action, last.Method));
        var decision = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<SendPolicyService>().DecideAsync(
            new SendIntent("marketing", SmsCategories.Promotional, SmsKinds.Campaign), [contact], null, CancellationToken.None));
        Assert.Equal((SendOutcome.Skip, SendReasons.NoConsent), (decision[contact].Outcome, decision[contact].Reason));

        Assert.Equal(0, (await RunAsync(tenant, DateTimeOffset.UtcNow.AddDays(32))).Changed);
        Assert.Single(await RequestsSentAsync(tenant, contact));
    }

    [Fact]
    public async Task The_request_keeps_within_the_days_cap_and_goes_out_on_a_later_run()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api, perDay: 1);
        var contact = await GrantAsync(api, Phone(41), DateTimeOffset.UtcNow.AddMonths(-7));
        await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<SmsOutbox>().QueueAsync(new OutgoingSms(contact, Phone(41), "Скидка 10%. Отписка: СТОП",
            "marketing", SmsCategories.Promotional, SmsKinds.Automation, $"today-{Guid.NewGuid():N}"), CancellationToken.None));

        var first = await RunAsync(tenant, DateTimeOffset.UtcNow);
        Assert.Equal((1, 0), (first.Details!["requested"], first.Details["sent"]));
        Assert.Empty(await RequestsSentAsync(tenant, contact));

        // A day later the cap has room: the same request goes out, still once.
        await tenant.WithDbAsync(db => db.SmsMessages.Where(m => m.ContactId == contact)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.CreatedAt, DateTimeOffset.UtcNow.AddDays(-2)).SetProperty(m => m.SentAt, DateTimeOffset.UtcNow.AddDays(-2))));
        Assert.Equal(1, (await RunAsync(tenant, DateTimeOffset.UtcNow.AddDays(1))).Details!["sent"]);
        Assert.Single(await RequestsSentAsync(tenant, contact));
    }

    private static async Task<string> OutboxTextAsync(HttpClient api, string phone)
    {
        for (var i = 0; i < 150; i++)
        {
            var body = await api.GetFromJsonAsync<JsonElement>($"/api/v1/sms/outbox?phone={Uri.EscapeDataString(phone)}");
            if (body.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } item)
                return item.GetProperty("text").GetString()!;
            await Task.Delay(200);
        }

        throw new TimeoutException("The request SMS never reached the simulator.");
    }
}
