using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Messaging;

/// <summary>A second app whose simulator fails 30 % of send calls; retries are fast so the test converges quickly.</summary>
public sealed class FlakySimulatorFixture : AppFixture
{
    protected override PhoneCrmFactory CreateFactory(string connectionString) => new(connectionString, new Dictionary<string, string?>
    {
        ["Sms:Simulator:FailureRate"] = "0.3",
        ["Sms:Delivery:RetryBaseMs"] = "50",
        ["Sms:Delivery:RetryMaxMs"] = "400",
        ["Sms:Delivery:MaxAttempts"] = "30",
        ["Sms:Delivery:SweepIntervalMs"] = "100",
        ["Sms:Delivery:GraceSeconds"] = "0",
        ["Sms:Delivery:BatchSize"] = "10",
    });
}

[Collection(AppCollection.Name)]
public sealed class SmsRetryTests
{
    [Fact]
    public async Task With_30_percent_failures_every_message_is_eventually_sent_exactly_once()
    {
        var app = new FlakySimulatorFixture();
        await app.InitializeAsync();
        try
        {
            var tenant = await app.CreateTenantAsync();
            var batch = Enumerable.Range(0, 300).Select(i => SmsTestData.Sms(SmsTestData.Phone(), $"Message {i}", key: $"k-{i}")).ToList();
            var ids = await app.InTenantAsync(tenant.Id, async sp =>
            {
                await sp.GetRequiredService<SmsOutbox>().QueueManyAsync(batch, CancellationToken.None);
                var all = await sp.GetRequiredService<PhoneCrm.Infrastructure.Database.PhoneCrmDbContext>().SmsMessages
                    .Select(m => m.Id).ToListAsync();
                // Jobs and the sweeper race for the same messages, as after a restart.
                foreach (var chunk in all.Chunk(50)) SmsDeliveryJobs.Enqueue(sp.GetRequiredService<Hangfire.IBackgroundJobClient>(), tenant.Id, chunk);
                return all;
            });
            Assert.Equal(300, ids.Count);

            var statuses = await SmsTestData.EventuallyAsync(
                () => tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking().Select(m => m.Status).ToListAsync()),
                s => s.All(x => x is SmsStatus.Sent or SmsStatus.Delivered), seconds: 180);
            Assert.All(statuses, s => Assert.Contains(s, new[] { SmsStatus.Sent, SmsStatus.Delivered }));

            var messages = await tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking().ToListAsync());
            var simulated = await tenant.WithDbAsync(db => db.SimulatorMessages.AsNoTracking().ToListAsync());
            Assert.Equal(300, simulated.Count);
            Assert.Equal(300, simulated.Select(s => s.IdempotencyKey).Distinct().Count());
            Assert.Equal(simulated.Select(s => s.ProviderMessageId).Order(), messages.Select(m => m.ProviderMessageId!).Order());
            Assert.Contains(messages, m => m.Attempts > 1); // failures did happen and were retried
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
