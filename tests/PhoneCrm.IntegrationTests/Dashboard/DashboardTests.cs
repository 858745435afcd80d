using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.IntegrationTests.Campaigns;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Dashboard;

/// <summary>Each role's landing page shows what that role watches, and nothing of another role's.</summary>
[Collection(AppCollection.Name)]
public sealed class DashboardTests(AppFixture app)
{
    [Fact]
    public async Task Marketer_sees_finished_campaigns_with_their_flags_and_scheduled_sends_but_no_admin_figures()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await CampaignData.OpenWindowAsync(api);
        for (var i = 1; i <= 3; i++)
        {
            await CampaignData.ContactAsync(api, CampaignData.Phone(8800 + i));
            await CampaignData.GrantAsync(api, CampaignData.Phone(8800 + i));
        }

        var segment = await CampaignData.SegmentAllAsync(api);
        var finished = await CampaignData.CampaignAsync(api, segment);
        await CampaignData.StartAsync(api, finished);
        await CampaignData.WaitAsync(api, finished);
        for (var tries = 0; tries < 100; tries++) // the simulator's receipts follow the sending
        {
            var stats = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{finished}")).GetProperty("stats");
            if (stats.GetProperty("delivered").GetInt64() == 3) break;
            await Task.Delay(100);
        }

        var later = DateTimeOffset.UtcNow.AddDays(2);
        var scheduled = await CampaignData.CampaignAsync(api, segment, extra: new { sendAt = later });
        await CampaignData.StartAsync(api, scheduled);

        using var marketer = await tenant.SignInAsync(Role.Marketer);
        var html = WebUtility.HtmlDecode(await marketer.Client.GetStringAsync("/"));

        Assert.Contains("id=\"campaign-overview\"", html, StringComparison.Ordinal);
        var recent = html[html.IndexOf("id=\"recent-campaigns\"", StringComparison.Ordinal)..];
        Assert.Contains($"data-id=\"{finished}\"", recent, StringComparison.Ordinal);
        // Delivered to all three, nobody clicked: the click rate (0 %) is below 2 %, delivery (100 %) is fine.
        Assert.Contains("data-flag=\"lowClickRate\"", recent, StringComparison.Ordinal);
        Assert.DoesNotContain("data-flag=\"lowDeliveryRate\"", recent, StringComparison.Ordinal);
        Assert.Contains("100 %", recent, StringComparison.Ordinal);
        var scheduledList = html[html.IndexOf("id=\"scheduled-campaigns\"", StringComparison.Ordinal)..];
        Assert.Contains($"/campaigns/{scheduled}", scheduledList, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"admin-overview\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"stat-users\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_sees_users_keys_the_provider_and_failed_jobs_of_the_last_week()
    {
        var tenant = await app.CreateTenantAsync();
        await tenant.WithDbAsync(async db =>
        {
            db.JobRuns.Add(new JobRun { JobId = "hygiene-engagement", StartedAt = DateTimeOffset.UtcNow.AddHours(-3), Status = JobRunStatus.Failed, Error = "boom" });
            db.JobRuns.Add(new JobRun { JobId = "retention", StartedAt = DateTimeOffset.UtcNow.AddDays(-10), Status = JobRunStatus.Failed, Error = "old" });
            db.JobRuns.Add(new JobRun { JobId = "retention", StartedAt = DateTimeOffset.UtcNow.AddHours(-1), Status = JobRunStatus.Completed });
            return await db.SaveChangesAsync();
        });
        var other = await app.CreateTenantAsync();
        await other.WithDbAsync(async db =>
        {
            db.JobRuns.Add(new JobRun { JobId = "hygiene-reconsent", StartedAt = DateTimeOffset.UtcNow.AddHours(-1), Status = JobRunStatus.Failed });
            return await db.SaveChangesAsync();
        });

        using var admin = await tenant.SignInAsync(Role.Admin);
        var html = WebUtility.HtmlDecode(await admin.Client.GetStringAsync("/"));

        Assert.Contains("id=\"admin-overview\"", html, StringComparison.Ordinal);
        Assert.Matches("id=\"stat-provider\"[^>]*>Simulator<", html);
        Assert.Contains("Тестовый режим", html, StringComparison.Ordinal);
        Assert.Matches("id=\"stat-failed-jobs\">1<", html);
        var failed = html[html.IndexOf("id=\"failed-jobs\"", StringComparison.Ordinal)..];
        Assert.Contains("hygiene-engagement", failed, StringComparison.Ordinal);
        Assert.DoesNotContain("hygiene-reconsent", failed, StringComparison.Ordinal); // another tenant's
        Assert.DoesNotContain(">retention<", failed, StringComparison.Ordinal); // failed 10 days ago
    }

    [Fact]
    public async Task Those_who_look_after_the_base_see_its_health_and_what_each_job_changed_last()
    {
        var tenant = await app.CreateTenantAsync();
        await tenant.WithDbAsync(async db =>
        {
            var month = DateOnly.FromDateTime(DateTime.UtcNow);
            db.BaseHealthSnapshots.Add(new BaseHealthSnapshot
            {
                Month = new DateOnly(month.Year, month.Month, 1), Total = 200, Valid = 180, Unreachable = 20, Unengaged = 10, Unconsented = 50,
                TakenAt = DateTimeOffset.UtcNow,
            });
            db.JobRuns.Add(new JobRun { JobId = "retention", StartedAt = DateTimeOffset.UtcNow.AddDays(-2), Status = JobRunStatus.Completed, Changed = 1 });
            db.JobRuns.Add(new JobRun { JobId = "retention", StartedAt = DateTimeOffset.UtcNow.AddHours(-2), Status = JobRunStatus.Completed, Changed = 4 });
            return await db.SaveChangesAsync();
        });

        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);
        var html = WebUtility.HtmlDecode(await officer.Client.GetStringAsync("/"));
        using var analyst = await tenant.SignInAsync(Role.Analyst);
        var analystHtml = WebUtility.HtmlDecode(await analyst.Client.GetStringAsync("/"));

        var card = html[html.IndexOf("id=\"base-health-card\"", StringComparison.Ordinal)..];
        Assert.Matches("data-share=\"valid\">90[.,]0", card);
        Assert.Matches("data-share=\"unconsented\">25[.,]0", card);
        Assert.Contains("data-job=\"retention\"", card, StringComparison.Ordinal);
        Assert.Contains("изменено: 4", card, StringComparison.Ordinal); // the latest run, not the one before
        Assert.DoesNotContain("id=\"base-health-card\"", analystHtml, StringComparison.Ordinal);
    }
}
