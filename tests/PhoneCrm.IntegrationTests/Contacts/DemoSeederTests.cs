using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Infrastructure.Segments;
using PhoneCrm.Infrastructure.Tenancy;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Contacts;

[Collection(AppCollection.Name)]
public sealed class DemoSeederTests(AppFixture app)
{
    [Fact]
    public async Task Demo_tenant_gets_realistic_contacts_once()
    {
        for (var run = 0; run < 2; run++)
        {
            await using var scope = app.Factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().EnsureAsync();
        }

        Guid tenantId;
        await using (var scope = app.Factory.Services.CreateAsyncScope())
            tenantId = await scope.ServiceProvider.GetRequiredService<PhoneCrmDbContext>().Tenants
                .Where(t => t.Name == DemoSeeder.TenantName).Select(t => t.Id).SingleAsync();

        var stats = await app.InTenantAsync(tenantId, async sp =>
        {
            var db = sp.GetRequiredService<PhoneCrmDbContext>();
            return new
            {
                Count = await db.Contacts.CountAsync(),
                Owned = await db.Contacts.CountAsync(c => c.OwnerId != null),
                Cities = await db.Contacts.Select(c => c.City).Distinct().CountAsync(),
                Tagged = await db.Contacts.CountAsync(c => c.Tags.Count > 0),
                Mobile = await db.Contacts.CountAsync(c => c.PhoneType == "mobile" && c.PhoneRegion == "RU"),
                Sources = await db.Contacts.Select(c => c.SourceChannel).Distinct().CountAsync(),
                Marketing = await db.Set<PhoneCrm.Domain.Consent.ConsentState>().CountAsync(s => s.Purpose == "marketing" && s.Status == "active"),
                Withdrawn = await db.Set<PhoneCrm.Domain.Consent.ConsentState>().CountAsync(s => s.Status == "withdrawn"),
                Orders = await db.ContactEvents.CountAsync(e => e.Type == "order_placed"),
                Buyers = await db.Contacts.CountAsync(c => c.Stats.OrdersCount > 0),
                Templates = await db.MessageTemplates.CountAsync(),
                Automations = await db.Automations.CountAsync(a => a.Enabled),
            };
        });

        Assert.Equal(DemoSeeder.ContactCount, stats.Count);
        Assert.InRange(stats.Owned, 10, 150);
        Assert.True(stats.Cities > 10, $"{stats.Cities} cities");
        Assert.True(stats.Tagged > 100);
        Assert.Equal(stats.Count, stats.Mobile);
        Assert.True(stats.Sources >= 5);
        Assert.InRange(stats.Marketing, 120, 240);
        Assert.InRange(stats.Withdrawn, 1, 40);
        Assert.InRange(stats.Orders, 300, 700);
        Assert.InRange(stats.Buyers, 150, 260);
        Assert.Equal(3, stats.Templates);
        Assert.Equal(4, stats.Automations);

        await AssertFinishedCampaignAsync(tenantId);
    }

    /// <summary>api-v1: the demo has "a finished campaign" — sent days ago, every recipient decided, receipts, clicks, opt-outs.</summary>
    private async Task AssertFinishedCampaignAsync(Guid tenantId)
    {
        var (campaign, s, segmentCount, messages, outcomes) = await app.InTenantAsync(tenantId, async sp =>
        {
            var db = sp.GetRequiredService<PhoneCrmDbContext>();
            var c = await db.Campaigns.AsNoTracking().SingleAsync();
            var stats = await sp.GetRequiredService<CampaignReports>().StatsAsync(c);
            var count = await sp.GetRequiredService<SegmentService>().CountByIdAsync(c.SegmentId);
            var byStatus = await db.SmsMessages.AsNoTracking().Where(m => m.CampaignId == c.Id)
                .GroupBy(m => m.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
            var recipients = await db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == c.Id)
                .GroupBy(r => r.Outcome).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
            return (c, stats, count, byStatus, recipients);
        });

        Assert.Equal(DemoSeeder.CampaignName, campaign.Name);
        Assert.Equal(CampaignStatus.Completed, campaign.Status);
        Assert.True(campaign.StartedAt < DateTimeOffset.UtcNow.AddDays(-4), $"started {campaign.StartedAt}");
        Assert.True(campaign.CompletedAt > campaign.StartedAt);
        // Every member of the segment was decided: sent or skipped with a reason, nothing pending or deferred.
        Assert.Equal(segmentCount, s.Audience);
        Assert.Equal(new[] { RecipientOutcome.Sent, RecipientOutcome.Skipped }, outcomes.Keys.Order().ToArray());
        Assert.Equal(0, s.Pending);
        Assert.Equal(0, s.Deferred);
        Assert.Equal(s.Audience, s.Sent + s.Skipped.Values.Sum());
        Assert.InRange(s.Sent, 50, 200);
        Assert.True(s.Skipped["noConsent"] > 20, $"noConsent {s.Skipped["noConsent"]}");
        Assert.InRange(s.Skipped["frequencyCap"], 1, 20);
        Assert.Equal(0, s.Skipped["suppressed"] + s.Skipped["invalidPhone"] + s.Skipped["erased"]);
        // One message per sent recipient, delivered or failed.
        Assert.Equal(s.Sent, messages.Values.Sum());
        Assert.Equal(s.Sent, s.Delivered + s.Failed);
        Assert.True(s.Delivered > s.Sent * 8 / 10, $"delivered {s.Delivered} of {s.Sent}");
        Assert.InRange(s.Failed, 1, s.Sent / 5);
        Assert.InRange(s.Clicks, 5, s.Delivered / 2);
        // Three STOP replies the day after, plus the demo's other withdrawals of people who were sent to.
        Assert.InRange(s.OptOuts, 3, s.Sent / 4);
        var dayAfter = campaign.StartedAt!.Value.AddDays(1).AddHours(2);
        Assert.Equal(3, await app.InTenantAsync(tenantId, sp => sp.GetRequiredService<PhoneCrmDbContext>().ConsentRecords
            .CountAsync(r => r.Action == PhoneCrm.Domain.Consent.ConsentActions.Withdraw && r.CapturedAt == dayAfter)));
        Assert.Equal(3, await app.InTenantAsync(tenantId, sp => sp.GetRequiredService<PhoneCrmDbContext>().Suppressions.CountAsync()));
        Assert.True(s.Cost > 0);
        Assert.True(s.Revenue > 0);
        Assert.NotNull(s.Roi);

        // The pages render it as finished.
        using var session = app.Session();
        var marketer = await app.InTenantAsync(tenantId, sp => sp.GetRequiredService<PhoneCrmDbContext>().Users.AsNoTracking()
            .Where(u => u.Email == "marketer@demo.phonecrm.test").Select(u => u.Id).SingleAsync());
        await session.SignInAsync(new TestUser(marketer, "marketer@demo.phonecrm.test", DemoSeeder.Password, null));
        var page = await session.GetAsync($"/campaigns/{campaign.Id}");
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(DemoSeeder.CampaignName, html, StringComparison.Ordinal);
        Assert.Contains("data-status=\"completed\"", html, StringComparison.Ordinal);
        var progress = await session.GetAsync($"/campaigns/{campaign.Id}/progress");
        Assert.Equal(System.Net.HttpStatusCode.OK, progress.StatusCode);
        var panel = await progress.Content.ReadAsStringAsync();
        Assert.Contains("aria-valuenow=\"100\"", panel, StringComparison.Ordinal);
        Assert.Contains($"<strong id=\"stat-sent\">{s.Sent}</strong>", panel, StringComparison.Ordinal);
        var recipients = await session.GetAsync($"/campaigns/{campaign.Id}/recipients?outcome=skipped");
        Assert.Equal(System.Net.HttpStatusCode.OK, recipients.StatusCode);
        Assert.Contains("data-reason=\"frequencyCap\"", await recipients.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
