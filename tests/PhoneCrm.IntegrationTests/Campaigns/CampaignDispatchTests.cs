using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Campaigns;

/// <summary>Dispatch under faults: STOP replies, a kill -9 mid-dispatch, a provider failing 30 % of calls.</summary>
[Collection(AppCollection.Name)]
public sealed class CampaignDispatchTests(AppFixture app)
{
    private static Dictionary<string, string> Fast(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Campaigns__SweepIntervalSeconds"] = "1",
            ["Campaigns__StaleAfterSeconds"] = "3",
            ["Sms__Delivery__RetryBaseMs"] = "50",
            ["Sms__Delivery__RetryMaxMs"] = "200",
            ["Sms__Delivery__MaxAttempts"] = "50",
            ["Sms__Delivery__SweepIntervalMs"] = "500",
            ["Sms__Delivery__GraceSeconds"] = "2",
            ["Jobs__WorkerCount"] = "4",
        };
        foreach (var (k, v) in extra) settings[k] = v;
        return settings;
    }

    [Fact]
    public async Task A_STOP_reply_excludes_the_number_from_the_next_campaign()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);
        await GrantAsync(api, Phone(1));
        await GrantAsync(api, Phone(2));
        var segment = await SegmentAllAsync(api);
        var first = await CampaignAsync(api, segment);
        await StartAsync(api, first);
        Assert.Equal(2, (await WaitAsync(api, first)).GetProperty("stats").GetProperty("sent").GetInt32());

        var reply = await api.PostAsync("/api/v1/sms/inbound", Json(new { from = Phone(2), to = "PhoneCrm", text = "стоп!", receivedAt = DateTimeOffset.UtcNow }));
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);

        var second = await CampaignAsync(api, segment);
        await StartAsync(api, second);
        var stats = (await WaitAsync(api, second)).GetProperty("stats");
        Assert.Equal(1, stats.GetProperty("sent").GetInt32());
        Assert.Equal(1, stats.GetProperty("skipped").GetProperty("suppressed").GetInt32());
        var skipped = (await RecipientsAsync(api, second, "skipped")).Single();
        Assert.Equal((Phone(2), "suppressed"), (skipped.GetProperty("phone").GetString(), skipped.GetProperty("reason").GetString()));
        var outbox = await CampaignsApiTests.WaitForOutboxAsync(api, second, 1);
        Assert.Equal(Phone(1), outbox.Single().GetProperty("phone").GetString());
        // The first campaign counts the opt-out.
        Assert.Equal(1, (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{first}")).GetProperty("stats").GetProperty("optOuts").GetInt32());
    }

    [Fact]
    public async Task A_kill_9_mid_dispatch_then_restart_sends_exactly_one_message_per_eligible_recipient()
    {
        const int eligible = 150;
        var tenant = await app.CreateTenantAsync();
        // The test's own app runs a job server on the same queue: whichever server plans the campaign must cut the same
        // batches of 5 (1,000 there by default made one batch of 300, and the campaign was done before the kill).
        var config = app.Factory.Services.GetRequiredService<IConfiguration>();
        config["Campaigns:BatchSize"] = "5";
        try
        {
            await KillMidDispatchThenRestartAsync(tenant, eligible);
        }
        finally
        {
            config["Campaigns:BatchSize"] = null;
        }
    }

    private async Task KillMidDispatchThenRestartAsync(TestTenant tenant, int eligible)
    {
        string campaignId;
        await using (var first = await WebProcess.StartAsync(app.Factory, Fast(("Campaigns__BatchSize", "5"))))
        {
            using var api = first.Client(tenant.ApiKey);
            await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);
            await Task.WhenAll(Enumerable.Range(0, 5).Select(async part =>
            {
                for (var i = part; i < eligible; i += 5) await GrantAsync(api, Phone(i));
            }));
            for (var i = 0; i < 10; i++) await ContactAsync(api, Phone(1000 + i)); // no consent: skipped
            // 300 a minute in batches of 5: a batch a second, so the kill lands mid-way.
            campaignId = await CampaignAsync(api, await SegmentAllAsync(api), extra: new { throttlePerMinute = 300 });
            await StartAsync(api, campaignId);
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (true)
            {
                var c = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}");
                Assert.Equal("sending", c.GetProperty("status").GetString()); // must be killed mid-way
                if (c.GetProperty("stats").GetProperty("sent").GetInt32() >= 20) break;
                Assert.True(DateTime.UtcNow < deadline, "the campaign did not start sending");
                await Task.Delay(50);
            }

            first.KillHard();
        }

        await using (var second = await WebProcess.StartAsync(app.Factory, Fast(("Campaigns__BatchSize", "5"))))
        {
            using var api = second.Client(tenant.ApiKey);
            var done = await WaitAsync(api, campaignId, minutes: 4);
            var stats = done.GetProperty("stats");
            Assert.Equal((eligible + 10, eligible, 10), (stats.GetProperty("audience").GetInt32(), stats.GetProperty("sent").GetInt32(),
                stats.GetProperty("skipped").GetProperty("noConsent").GetInt32()));
            var outbox = await CampaignsApiTests.WaitForOutboxAsync(api, campaignId, eligible, minutes: 3);
            await Task.Delay(2000); // nothing more may arrive
            outbox = await OutboxAsync(api, campaignId);
            Assert.Equal(eligible, outbox.Count);
            Assert.Equal(eligible, outbox.Select(m => m.GetProperty("phone").GetString()).Distinct().Count());
            Assert.Equal(Enumerable.Range(0, eligible).Select(Phone).Order(), outbox.Select(m => m.GetProperty("phone").GetString()!).Order());
        }
    }

    [Fact]
    public async Task A_provider_failing_30_percent_of_calls_still_sends_every_message_once()
    {
        const int eligible = 60;
        var tenant = await app.CreateTenantAsync();
        await using var web = await WebProcess.StartAsync(app.Factory, Fast(("Sms__Simulator__FailureRate", "0.3"), ("Campaigns__BatchSize", "10")));
        using var api = web.Client(tenant.ApiKey);
        await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);
        for (var i = 0; i < eligible; i++) await GrantAsync(api, Phone(i));
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api));
        await StartAsync(api, campaignId);
        var done = await WaitAsync(api, campaignId, minutes: 4);
        Assert.Equal(eligible, done.GetProperty("stats").GetProperty("sent").GetInt32());
        await CampaignsApiTests.WaitForOutboxAsync(api, campaignId, eligible, minutes: 3);
        await Task.Delay(2000);
        var outbox = await OutboxAsync(api, campaignId);
        Assert.Equal(eligible, outbox.Count);
        Assert.Equal(eligible, outbox.Select(m => m.GetProperty("phone").GetString()).Distinct().Count());
    }
}
