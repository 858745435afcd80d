using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Messaging;

/// <summary>
/// Receipts and replies in SMS.ru's and SMSC's own callback formats, after a real send through the local provider stub:
/// messages end delivered or failed, repeats change nothing, the address's secret is the only way in.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ProviderCallbackTests(ProviderStubFixture app) : IClassFixture<ProviderStubFixture>
{
    private async Task<(TestTenant Tenant, string SmsRuUrl, string SmscUrl)> TenantAsync(string provider, string login, string? secret)
    {
        var tenant = await app.CreateTenantAsync();
        var urls = await app.InTenantAsync(tenant.Id, async sp =>
        {
            var settings = sp.GetRequiredService<SmsSettingsStore>();
            await settings.SaveAsync(provider, "MyShop", 2m, login, secret, CancellationToken.None);
            return settings.CallbackUrls();
        });
        return (tenant, urls.SmsRu, urls.Smsc);
    }

    private static Task<SmsMessage> ReloadAsync(TestTenant tenant, Guid id) =>
        tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking().SingleAsync(m => m.Id == id));

    [Fact]
    public async Task Sms_ru_receipts_move_sent_messages_to_delivered_or_failed_and_a_repeat_changes_nothing()
    {
        var (tenant, url, _) = await TenantAsync(SmsProviderNames.SmsRu, "smsru-api-id", null);
        var delivered = await tenant.SendAsync(SmsTestData.Sms(SmsTestData.Phone()));
        var failed = await tenant.SendAsync(SmsTestData.Sms(SmsTestData.Phone()));
        var onItsWay = await tenant.SendAsync(SmsTestData.Sms(SmsTestData.Phone()));
        Assert.All([delivered, failed, onItsWay], m => Assert.Equal(SmsStatus.Sent, m.Status));
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        string[] entries =
        [
            ProviderStub.SmsRuStatus(delivered.ProviderMessageId!, 103, at),
            ProviderStub.SmsRuStatus(failed.ProviderMessageId!, 106, at),
            ProviderStub.SmsRuStatus(onItsWay.ProviderMessageId!, 102, at),
            ProviderStub.SmsRuStatus("000000-not-ours", 103, at),
        ];

        using var client = app.Client();
        for (var round = 0; round < 2; round++)
        {
            var response = await ProviderStub.PostSmsRuCallbackAsync(client, url, entries);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("100", await response.Content.ReadAsStringAsync()); // anything else and SMS.ru posts again

            var d = await ReloadAsync(tenant, delivered.Id);
            Assert.Equal(SmsStatus.Delivered, d.Status);
            Assert.Equal(at.ToUnixTimeSeconds(), d.StatusAt!.Value.ToUnixTimeSeconds());
            var f = await ReloadAsync(tenant, failed.Id);
            Assert.Equal(SmsStatus.Undelivered, f.Status);
            Assert.Equal("106", f.ErrorCode);
            Assert.Equal(SmsStatus.Sent, (await ReloadAsync(tenant, onItsWay.Id)).Status);
        }

        // A late "on its way" never moves a delivered message back.
        await ProviderStub.PostSmsRuCallbackAsync(client, url, ProviderStub.SmsRuStatus(delivered.ProviderMessageId!, 101, DateTimeOffset.UtcNow));
        Assert.Equal(SmsStatus.Delivered, (await ReloadAsync(tenant, delivered.Id)).Status);
    }

    [Fact]
    public async Task A_wrong_secret_or_another_tenants_address_is_404_and_changes_nothing()
    {
        var (tenant, url, smscUrl) = await TenantAsync(SmsProviderNames.SmsRu, "smsru-api-id", null);
        var (other, otherUrl, _) = await TenantAsync(SmsProviderNames.SmsRu, "smsru-api-id", null);
        var sent = await tenant.SendAsync(SmsTestData.Sms(SmsTestData.Phone()));
        var receipt = ProviderStub.SmsRuStatus(sent.ProviderMessageId!, 103, DateTimeOffset.UtcNow);
        using var client = app.Client();

        var tampered = url[..^3] + (url[^3..] == "AAA" ? "BBB" : "AAA");
        Assert.Equal(HttpStatusCode.NotFound, (await ProviderStub.PostSmsRuCallbackAsync(client, tampered, receipt)).StatusCode);
        // The other tenant's secret under this tenant's id: the secret belongs to the id.
        var mixed = url[..url.LastIndexOf('/')] + otherUrl[otherUrl.LastIndexOf('/')..];
        Assert.Equal(HttpStatusCode.NotFound, (await ProviderStub.PostSmsRuCallbackAsync(client, mixed, receipt)).StatusCode);
        var smscMixed = smscUrl[..smscUrl.LastIndexOf('/')] + "/x";
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri(smscMixed).PathAndQuery + "?id=1&status=1")).StatusCode);
        Assert.Equal(SmsStatus.Sent, (await ReloadAsync(tenant, sent.Id)).Status);

        // The other tenant's own valid address cannot reach this tenant's message either.
        Assert.Equal(HttpStatusCode.OK, (await ProviderStub.PostSmsRuCallbackAsync(client, otherUrl, receipt)).StatusCode);
        Assert.Equal(SmsStatus.Sent, (await ReloadAsync(tenant, sent.Id)).Status);
        Assert.NotEqual(tenant.Id, other.Id);
    }

    [Fact]
    public async Task An_sms_ru_stop_reply_suppresses_the_number_once_however_often_it_is_posted()
    {
        var (tenant, url, _) = await TenantAsync(SmsProviderNames.SmsRu, "smsru-api-id", null);
        var phone = SmsTestData.Phone();
        var at = DateTimeOffset.UtcNow.AddSeconds(-30);
        using var client = app.Client();
        for (var i = 0; i < 2; i++)
        {
            var response = await ProviderStub.PostSmsRuCallbackAsync(client, url,
                ProviderStub.SmsRuInbox("inbox-77", phone[1..], "СТОП", at), ProviderStub.SmsRuInbox("inbox-78", phone[1..], "Когда\nпривезёте?", at));
            Assert.Equal("100", await response.Content.ReadAsStringAsync());
        }

        var inbound = await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().OrderBy(m => m.Kind).ToListAsync());
        Assert.Equal([InboundKinds.Reply, InboundKinds.Stop], inbound.Select(m => m.Kind).ToArray());
        Assert.Equal(at.ToUnixTimeSeconds(), inbound[0].ReceivedAt.ToUnixTimeSeconds());
        var inbox = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<InboundSmsService>().ListAsync(InboundKinds.Reply, true, 10, null, CancellationToken.None));
        Assert.Equal("Когда\nпривезёте?", Assert.Single(inbox).Text);
        Assert.Single(await tenant.WithDbAsync(db => db.Suppressions.AsNoTracking().ToListAsync()));
    }

    [Fact]
    public async Task Smsc_receipts_and_replies_in_its_own_fields_by_post_or_get()
    {
        var (tenant, _, url) = await TenantAsync(SmsProviderNames.Smsc, "smsc-login", "smsc-password");
        var phones = new[] { SmsTestData.Phone(), SmsTestData.Phone(), SmsTestData.Phone() };
        var delivered = await tenant.SendAsync(SmsTestData.Sms(phones[0]));
        var failed = await tenant.SendAsync(SmsTestData.Sms(phones[1]));
        var read = await tenant.SendAsync(SmsTestData.Sms(phones[2]));
        Assert.All([delivered, failed, read], m => Assert.Equal(SmsStatus.Sent, m.Status));
        var ts = DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var client = app.Client();

        for (var round = 0; round < 2; round++)
        {
            var ok = await ProviderStub.PostSmscCallbackAsync(client, url, new Dictionary<string, string>
            {
                ["id"] = delivered.ProviderMessageId!, ["phone"] = phones[0][1..], ["status"] = "1", ["time"] = ts, ["err"] = "0",
            });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            await ProviderStub.PostSmscCallbackAsync(client, url, new Dictionary<string, string>
            {
                ["id"] = failed.ProviderMessageId!, ["phone"] = phones[1][1..], ["status"] = "20", ["ts"] = ts, ["err"] = "1",
            });
            var get = await client.GetAsync($"{new Uri(url).PathAndQuery}?id={read.ProviderMessageId}&phone={phones[2][1..]}&status=2&time={ts}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        Assert.Equal(SmsStatus.Delivered, (await ReloadAsync(tenant, delivered.Id)).Status);
        var f = await ReloadAsync(tenant, failed.Id);
        Assert.Equal(SmsStatus.Undelivered, f.Status);
        Assert.Equal("1", f.ErrorCode);
        Assert.Equal(SmsStatus.Read, (await ReloadAsync(tenant, read.Id)).Status);

        var from = SmsTestData.Phone();
        for (var i = 0; i < 2; i++)
        {
            await ProviderStub.PostSmscCallbackAsync(client, url, new Dictionary<string, string>
            {
                ["id"] = "9001", ["phone"] = from[1..], ["mes"] = "Stop!", ["to"] = "79000000000", ["sent"] = ts, ["time"] = ts,
            });
        }

        var stop = Assert.Single(await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().ToListAsync()));
        Assert.Equal(InboundKinds.Stop, stop.Kind);
        Assert.Equal("79000000000", stop.To);
        Assert.Single(await tenant.WithDbAsync(db => db.Suppressions.AsNoTracking().ToListAsync()));
    }

    [Fact]
    public async Task The_sms_settings_page_shows_the_callback_addresses()
    {
        var (tenant, url, smscUrl) = await TenantAsync(SmsProviderNames.SmsRu, "smsru-api-id", null);
        using var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Admin);
        var html = await (await session.GetAsync("/settings/sms")).Content.ReadAsStringAsync();
        Assert.Contains(url, html, StringComparison.Ordinal);
        Assert.Contains(smscUrl, html, StringComparison.Ordinal);
    }
}
