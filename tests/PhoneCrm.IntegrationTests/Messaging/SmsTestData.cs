using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Messaging;

internal static class SmsTestData
{
    private static int _counter = Random.Shared.Next(0, 5_000_000);

    /// <summary>A valid Moscow mobile number, unique within the test run.</summary>
    public static string Phone() => $"+7916{Interlocked.Increment(ref _counter) % 10_000_000:D7}";

    public static OutgoingSms Sms(string phone, string text = "Ваш заказ готов", string? key = null, Guid? campaignId = null) =>
        new(null, phone, text, "transactional", SmsCategories.Transactional, SmsKinds.Test, key ?? Guid.NewGuid().ToString("N"), campaignId);

    public static Task<SmsMessage> QueueAsync(this TestTenant tenant, OutgoingSms sms) =>
        tenant.App.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<SmsOutbox>().QueueAsync(sms, CancellationToken.None));

    /// <summary>Queues and delivers at once (what a delivery job does).</summary>
    public static Task<SmsMessage> SendAsync(this TestTenant tenant, OutgoingSms sms) => tenant.App.InTenantAsync(tenant.Id, async sp =>
    {
        var message = await sp.GetRequiredService<SmsOutbox>().QueueAsync(sms, CancellationToken.None);
        await sp.GetRequiredService<SmsDelivery>().DeliverAsync([message.Id], CancellationToken.None);
        return await sp.GetRequiredService<PhoneCrmDbContext>().SmsMessages.AsNoTracking().SingleAsync(m => m.Id == message.Id);
    });

    /// <summary>Polls until the condition holds (no timing assertion: the deadline only stops a hung test).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(200);
        }
    }
}
