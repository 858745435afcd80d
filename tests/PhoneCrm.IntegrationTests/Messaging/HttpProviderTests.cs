using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Messaging;

/// <summary>An app whose SMS.ru and SMSC.ru base URLs point at a local <see cref="ProviderStub"/>.</summary>
public sealed class ProviderStubFixture : AppFixture
{
    public ProviderStub Stub { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Stub = await ProviderStub.StartAsync();
        await base.InitializeAsync();
    }

    protected override PhoneCrmFactory CreateFactory(string connectionString) => new(connectionString, new Dictionary<string, string?>
    {
        ["Sms:SmsRu:BaseUrl"] = Stub.BaseUrl,
        ["Sms:Smsc:BaseUrl"] = Stub.BaseUrl,
        // These tests drive delivery themselves; the sweeper would only race them.
        ["Sms:Delivery:GraceSeconds"] = "3600",
        ["Sms:Delivery:RetryBaseMs"] = "3600000",
        ["Sms:Delivery:RetryMaxMs"] = "3600000",
    });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stub.DisposeAsync();
    }
}

/// <summary>The real HTTP adapters against local stubs: request shape, error mapping, idempotency.</summary>
[Collection(AppCollection.Name)]
public sealed class HttpProviderTests(ProviderStubFixture app) : IClassFixture<ProviderStubFixture>
{
    private async Task<TestTenant> TenantAsync(string provider, string login, string? secret)
    {
        var tenant = await app.CreateTenantAsync();
        await app.InTenantAsync(tenant.Id, async sp =>
        {
            await sp.GetRequiredService<SmsSettingsStore>().SaveAsync(provider, "MyShop", 2m, login, secret, CancellationToken.None);
            return 0;
        });
        return tenant;
    }

    private static string Phone(string lastFour) => $"+7916{Random.Shared.Next(100, 999)}{lastFour}";

    [Fact]
    public async Task Sms_ru_sends_with_api_id_sender_and_json_and_stores_the_sms_id()
    {
        var tenant = await TenantAsync(SmsProviderNames.SmsRu, "smsru-api-id", null);
        var phone = Phone("1234");
        var sent = await tenant.SendAsync(SmsTestData.Sms(phone, "Заказ №5 собран"));

        Assert.Equal(SmsStatus.Sent, sent.Status);
        Assert.Equal(SmsProviderNames.SmsRu, sent.Provider);
        Assert.StartsWith("000000-", sent.ProviderMessageId, StringComparison.Ordinal);
        var request = Assert.Single(app.Stub.For("/sms/send", phone[1..]));
        Assert.Equal("smsru-api-id", request.Form["api_id"]);
        Assert.Equal("Заказ №5 собран", request.Form["msg"]);
        Assert.Equal("1", request.Form["json"]);
        Assert.Equal("MyShop", request.Form["from"]);
    }

    [Fact]
    public async Task Sms_ru_never_resends_an_accepted_message()
    {
        var tenant = await TenantAsync(SmsProviderNames.SmsRu, "smsru-api-id", null);
        var phone = Phone("5678");
        var sent = await tenant.SendAsync(SmsTestData.Sms(phone, key: "once"));
        await app.InTenantAsync(tenant.Id, async sp =>
        {
            await sp.GetRequiredService<SmsDelivery>().DeliverAsync([sent.Id], CancellationToken.None);
            await sp.GetRequiredService<SmsOutbox>().QueueAsync(SmsTestData.Sms(phone, key: "once"), CancellationToken.None);
            return 0;
        });
        Assert.Single(app.Stub.For("/sms/send", phone[1..]));
    }

    [Fact]
    public async Task Sms_ru_errors_map_to_failed_or_retry()
    {
        var tenant = await TenantAsync(SmsProviderNames.SmsRu, "smsru-api-id", null);

        var refusedPhone = Phone("0001");
        var refused = await tenant.SendAsync(SmsTestData.Sms(refusedPhone));
        Assert.Equal(SmsStatus.Failed, refused.Status);
        Assert.Equal("207", refused.ErrorCode);

        var unavailable = await tenant.SendAsync(SmsTestData.Sms(Phone("0003")));
        Assert.Equal(SmsStatus.Queued, unavailable.Status);
        Assert.Equal("220", unavailable.ErrorCode);
        Assert.Equal(1, unavailable.Attempts);
        Assert.NotNull(unavailable.NextAttemptAt);

        // HTTP 500 proves nothing was sent: the pipeline retries it, then the message waits for its next attempt.
        var brokenPhone = Phone("0002");
        var broken = await tenant.SendAsync(SmsTestData.Sms(brokenPhone));
        Assert.Equal(SmsStatus.Queued, broken.Status);
        Assert.Equal("http_500", broken.ErrorCode);
        Assert.Equal(3, app.Stub.For("/sms/send", brokenPhone[1..]).Count);
    }

    [Fact]
    public async Task Smsc_sends_with_login_fmt_charset_and_our_id()
    {
        var tenant = await TenantAsync(SmsProviderNames.Smsc, "smsc-login", "smsc-password");
        var phone = Phone("4321");
        var sent = await tenant.SendAsync(SmsTestData.Sms(phone, "Ваш код 1234"));

        Assert.Equal(SmsStatus.Sent, sent.Status);
        Assert.Equal(SmsProviderNames.Smsc, sent.Provider);
        var request = Assert.Single(app.Stub.For("/sys/send.php", phone[1..]));
        Assert.Equal("smsc-login", request.Form["login"]);
        Assert.Equal("smsc-password", request.Form["psw"]);
        Assert.Equal("3", request.Form["fmt"]);
        Assert.Equal("utf-8", request.Form["charset"]);
        Assert.Equal("MyShop", request.Form["sender"]);
        Assert.Equal("Ваш код 1234", request.Form["mes"]);
        Assert.Equal(sent.Id.ToString("N"), request.Form["id"]);
        Assert.Equal(request.Form["id"], sent.ProviderMessageId);
    }

    [Fact]
    public async Task Smsc_retries_carry_the_same_id_so_one_message_exists()
    {
        var tenant = await TenantAsync(SmsProviderNames.Smsc, "smsc-login", "smsc-password");
        var phone = Phone("0002");
        var sent = await tenant.SendAsync(SmsTestData.Sms(phone));

        Assert.Equal(SmsStatus.Sent, sent.Status);
        var requests = app.Stub.For("/sys/send.php", phone[1..]);
        Assert.Equal(2, requests.Count); // 503, then accepted on the pipeline's retry
        Assert.Single(requests.Select(r => r.Form["id"]).Distinct());
        Assert.Equal(1, app.Stub.SmscMessages[sent.Id.ToString("N")]);
    }

    [Fact]
    public async Task Smsc_errors_map_to_failed_and_a_duplicate_means_accepted()
    {
        var tenant = await TenantAsync(SmsProviderNames.Smsc, "smsc-login", "smsc-password");
        var invalid = await tenant.SendAsync(SmsTestData.Sms(Phone("0001")));
        Assert.Equal(SmsStatus.Failed, invalid.Status);
        Assert.Equal("7", invalid.ErrorCode);

        var duplicate = await tenant.SendAsync(SmsTestData.Sms(Phone("0009")));
        Assert.Equal(SmsStatus.Sent, duplicate.Status);
        Assert.Equal(duplicate.Id.ToString("N"), duplicate.ProviderMessageId);

        var wrongLogin = await TenantAsync(SmsProviderNames.Smsc, "someone", "else");
        var refused = await wrongLogin.SendAsync(SmsTestData.Sms(Phone("4444")));
        Assert.Equal(SmsStatus.Failed, refused.Status);
        Assert.Equal("2", refused.ErrorCode);
    }

    [Fact]
    public async Task The_outbox_endpoint_is_404_when_the_tenant_uses_a_real_provider()
    {
        var tenant = await TenantAsync(SmsProviderNames.Smsc, "smsc-login", "smsc-password");
        using var api = tenant.Api();
        var response = await api.GetAsync("/api/v1/sms/outbox");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
