using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hosting;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Messaging;

/// <summary>The outbox's "queued" counter follows the caller's transaction: counted at commit, never for a rollback.</summary>
[Collection(AppCollection.Name)]
public sealed class SmsOutboxMetricsTests(AppFixture app)
{
    [Fact]
    public async Task Queued_messages_are_counted_when_their_transaction_commits_and_never_when_it_rolls_back()
    {
        var tenant = await app.CreateTenantAsync();
        // Only what this test's own flow records (background jobs of other tests queue too).
        var mine = new AsyncLocal<bool>();
        long counted = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PhoneCrmMetrics.MeterName && instrument.Name == "phonecrm.sms.queued") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (mine.Value) Interlocked.Add(ref counted, value);
        });
        listener.Start();
        mine.Value = true;

        await app.InTenantAsync(tenant.Id, async sp =>
        {
            var db = sp.GetRequiredService<PhoneCrmDbContext>();
            var outbox = sp.GetRequiredService<SmsOutbox>();
            await using (var rolledBack = await db.Database.BeginTransactionAsync())
            {
                Assert.Equal(2, await outbox.QueueManyAsync([Test("rolled-back-1", 1), Test("rolled-back-2", 2)], CancellationToken.None));
                Assert.Equal(0, Interlocked.Read(ref counted)); // not before the commit
                await rolledBack.RollbackAsync();
            }

            Assert.Equal(0, Interlocked.Read(ref counted));
            Assert.Equal(0, await db.SmsMessages.CountAsync());

            await using (var committed = await db.Database.BeginTransactionAsync())
            {
                Assert.Equal(1, await outbox.QueueManyAsync([Test("committed", 3)], CancellationToken.None));
                Assert.Equal(0, Interlocked.Read(ref counted));
                await committed.CommitAsync();
            }

            Assert.Equal(1, Interlocked.Read(ref counted));
            Assert.Equal(1, await outbox.QueueManyAsync([Test("no-transaction", 4)], CancellationToken.None));
            Assert.Equal(2, Interlocked.Read(ref counted));
            Assert.Equal(2, await db.SmsMessages.CountAsync());
            return 0;
        });
    }

    private static OutgoingSms Test(string key, int n) =>
        new(null, SmsTestData.Phone(), $"Проверка связи {n}", "transactional", SmsCategories.Transactional, SmsKinds.Test, "metrics-test:" + key);
}
