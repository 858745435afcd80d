using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Providers;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Messaging;

/// <summary>api-v1 "SMS provider webhooks and the simulator": outbox, delivery receipts, idempotency, tenant isolation.</summary>
[Collection(AppCollection.Name)]
public sealed class SmsApiTests(AppFixture app)
{
    [Fact]
    public async Task A_delivered_message_is_in_the_simulator_outbox_with_its_text_and_segments()
    {
        var tenant = await app.CreateTenantAsync();
        var phone = SmsTestData.Phone();
        var campaign = Guid.NewGuid();
        var text = new string('Я', 71); // Cyrillic: UCS-2, 71 > 70 → 2 segments
        var sent = await tenant.SendAsync(SmsTestData.Sms(phone, text, campaignId: campaign));
        Assert.Equal(SmsStatus.Sent, sent.Status);
        Assert.Equal(SmsProviderNames.Simulator, sent.Provider);
        Assert.Equal(2, sent.Segments);
        await tenant.SendAsync(SmsTestData.Sms(SmsTestData.Phone(), "Other"));

        using var api = tenant.Api();
        var body = await api.GetFromJsonAsync<JsonElement>($"/api/v1/sms/outbox?campaignId={campaign}");
        var item = Assert.Single(body.GetProperty("items").EnumerateArray());
        Assert.Equal(sent.Id, item.GetProperty("messageId").GetGuid());
        Assert.Equal(sent.ProviderMessageId, item.GetProperty("providerMessageId").GetString());
        Assert.Equal(phone, item.GetProperty("phone").GetString());
        Assert.Equal(text, item.GetProperty("text").GetString());
        Assert.Equal(2, item.GetProperty("segments").GetInt32());
        Assert.Equal(campaign, item.GetProperty("campaignId").GetGuid());
        Assert.EndsWith("Z", item.GetProperty("sentAt").GetString(), StringComparison.Ordinal);
        Assert.Contains(item.GetProperty("status").GetString(), new[] { SmsStatus.Sent, SmsStatus.Delivered });

        var byPhone = await api.GetFromJsonAsync<JsonElement>($"/api/v1/sms/outbox?phone={Uri.EscapeDataString("8" + phone[2..])}");
        Assert.Equal(sent.Id, Assert.Single(byPhone.GetProperty("items").EnumerateArray()).GetProperty("messageId").GetGuid());
        Assert.Equal(2, (await api.GetFromJsonAsync<JsonElement>("/api/v1/sms/outbox")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_simulator_reports_delivery_by_itself()
    {
        var tenant = await app.CreateTenantAsync();
        var sent = await tenant.SendAsync(SmsTestData.Sms(SmsTestData.Phone()));
        var status = await SmsTestData.EventuallyAsync(
            () => tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking().Where(m => m.Id == sent.Id).Select(m => m.Status).SingleAsync()),
            s => s == SmsStatus.Delivered);
        Assert.Equal(SmsStatus.Delivered, status);
    }

    [Fact]
    public async Task Status_webhook_updates_the_message_and_answers_404_and_400()
    {
        var tenant = await app.CreateTenantAsync();
        var sent = await tenant.SendAsync(SmsTestData.Sms(SmsTestData.Phone()));
        using var api = tenant.Api();

        var at = DateTimeOffset.UtcNow.AddSeconds(5);
        var ok = await api.PostAsJsonAsync("/api/v1/sms/status",
            new { providerMessageId = sent.ProviderMessageId, status = "read", errorCode = (string?)null, at });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var row = await tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking().SingleAsync(m => m.Id == sent.Id));
        Assert.Equal(SmsStatus.Read, row.Status);

        // A late "delivered" never moves a read message backwards, and is still acknowledged.
        var late = await api.PostAsJsonAsync("/api/v1/sms/status", new { providerMessageId = sent.ProviderMessageId, status = "delivered" });
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(SmsStatus.Read, await tenant.WithDbAsync(db => db.SmsMessages.Where(m => m.Id == sent.Id).Select(m => m.Status).SingleAsync()));

        var unknown = await api.PostAsJsonAsync("/api/v1/sms/status", new { providerMessageId = "sim-unknown", status = "delivered" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        var bad = await api.PostAsJsonAsync("/api/v1/sms/status", new { providerMessageId = sent.ProviderMessageId, status = "lost" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
    }

    [Fact]
    public async Task Undelivered_receipt_records_the_error_code()
    {
        var tenant = await app.CreateTenantAsync();
        var sent = await tenant.SendAsync(SmsTestData.Sms(SmsTestData.Phone()));
        using var api = tenant.Api();
        var response = await api.PostAsJsonAsync("/api/v1/sms/status",
            new { providerMessageId = sent.ProviderMessageId, status = "undelivered", errorCode = "absent_subscriber" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = await tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking().SingleAsync(m => m.Id == sent.Id));
        Assert.Contains(row.Status, new[] { SmsStatus.Undelivered, SmsStatus.Delivered }); // the simulator may have reported first
        if (row.Status == SmsStatus.Undelivered) Assert.Equal("absent_subscriber", row.ErrorCode);
    }

    [Fact]
    public async Task Another_tenant_sees_no_outbox_and_cannot_update_the_status()
    {
        var owner = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        var sent = await owner.SendAsync(SmsTestData.Sms(SmsTestData.Phone()));

        using var otherApi = other.Api();
        var outbox = await otherApi.GetFromJsonAsync<JsonElement>("/api/v1/sms/outbox");
        Assert.Equal(0, outbox.GetProperty("items").GetArrayLength());
        var status = await otherApi.PostAsJsonAsync("/api/v1/sms/status", new { providerMessageId = sent.ProviderMessageId, status = "rejected" });
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        var row = await owner.WithDbAsync(db => db.SmsMessages.AsNoTracking().SingleAsync(m => m.Id == sent.Id));
        Assert.NotEqual(SmsStatus.Rejected, row.Status);
    }

    [Fact]
    public async Task The_same_idempotency_key_queues_and_sends_one_message()
    {
        var tenant = await app.CreateTenantAsync();
        var sms = SmsTestData.Sms(SmsTestData.Phone(), key: "order-42-shipped");
        var first = await tenant.QueueAsync(sms);
        var again = await tenant.QueueAsync(sms with { Text = "changed" });
        Assert.Equal(first.Id, again.Id);

        var queuedMany = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<SmsOutbox>().QueueManyAsync(
            [sms, sms, SmsTestData.Sms(SmsTestData.Phone(), key: "order-43-shipped"), SmsTestData.Sms(SmsTestData.Phone(), key: "order-43-shipped")],
            CancellationToken.None));
        Assert.Equal(1, queuedMany);

        // Two deliveries of the same ids, concurrently and then again: one provider message per key.
        var ids = await tenant.WithDbAsync(db => db.SmsMessages.Select(m => m.Id).ToListAsync());
        await Task.WhenAll(
            app.InTenantAsync(tenant.Id, async sp => { await sp.GetRequiredService<SmsDelivery>().DeliverAsync(ids, CancellationToken.None); return 0; }),
            app.InTenantAsync(tenant.Id, async sp => { await sp.GetRequiredService<SmsDelivery>().DeliverAsync(ids, CancellationToken.None); return 0; }));
        await app.InTenantAsync(tenant.Id, async sp => { await sp.GetRequiredService<SmsDelivery>().DeliverAsync(ids, CancellationToken.None); return 0; });

        var messages = await tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking().ToListAsync());
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal(1, m.Attempts));
        var simulated = await tenant.WithDbAsync(db => db.SimulatorMessages.AsNoTracking().ToListAsync());
        Assert.Equal(2, simulated.Count);
        Assert.Equal(messages.Select(m => m.ProviderMessageId).Order(), simulated.Select(s => s.ProviderMessageId).Order());
    }

    [Fact]
    public async Task The_simulator_answers_a_resend_with_the_same_provider_id_and_no_second_row()
    {
        var tenant = await app.CreateTenantAsync();
        var (first, second) = await app.InTenantAsync(tenant.Id, async sp =>
        {
            var simulator = sp.GetServices<ISmsProvider>().Single(p => p.Name == SmsProviderNames.Simulator);
            var request = new SmsSendRequest(tenant.Id, Guid.NewGuid(), "resend-key", SmsTestData.Phone(), "Hello", null);
            var a = await simulator.SendManyAsync([request], CancellationToken.None);
            var b = await simulator.SendAsync(request with { MessageId = Guid.NewGuid() }, CancellationToken.None);
            return (a[0], b);
        });
        Assert.Equal(SmsSendOutcome.Accepted, first.Outcome);
        Assert.Equal(first.ProviderMessageId, second.ProviderMessageId);
        Assert.Equal(1, await tenant.WithDbAsync(db => db.SimulatorMessages.CountAsync(m => m.IdempotencyKey == "resend-key")));
    }

    [Fact]
    public async Task Cost_uses_the_tenants_price_per_segment()
    {
        var tenant = await app.CreateTenantAsync();
        await app.InTenantAsync(tenant.Id, async sp =>
        {
            await sp.GetRequiredService<SmsSettingsStore>().SaveAsync(null, "Shop", 3.5m, null, null, CancellationToken.None);
            return 0;
        });
        var message = await tenant.QueueAsync(SmsTestData.Sms(SmsTestData.Phone(), new string('Ж', 71)));
        Assert.Equal(7.0m, message.Cost);
    }
}
