using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Infrastructure.Hygiene.LineStatus;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.IntegrationTests.Infrastructure;
using PhoneCrm.IntegrationTests.Messaging;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Hygiene;

/// <summary>
/// <c>hygiene-validate-numbers</c> on real PostgreSQL: a number that no longer parses and a disconnected line become
/// unreachable (the send policy then skips them as <c>invalidPhone</c>), others stay active, a second run changes nothing;
/// the SMSC HLR adapter against the local SMSC look-alike (<see cref="ProviderStub"/>).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ValidateNumbersTests(AppFixture app)
{
    private const string Disconnected = "+79005550101";

    private static SimulatorLineStatusProvider Simulator() => new(new ConfigurationBuilder().AddInMemoryCollection(
        new Dictionary<string, string?> { [SimulatorLineStatusProvider.PrefixesSection + ":+7900555"] = "disconnected" }).Build());

    private Task<TenantJobResult> RunAsync(TestTenant tenant, ILineStatusProvider provider) => app.InTenantAsync(tenant.Id, sp =>
        ActivatorUtilities.CreateInstance<ValidateNumbersJob>(sp, provider).RunTenantAsync(tenant.Id, CancellationToken.None));

    private static async Task<string> StatusAsync(TestTenant tenant, string id) => (await StatusWithReasonAsync(tenant, id)).Status;

    private static Task<(string Status, string? Reason)> StatusWithReasonAsync(TestTenant tenant, string id) => tenant.WithDbAsync(async db =>
    {
        var c = await db.Contacts.AsNoTracking().Where(c => c.Id == Guid.Parse(id)).Select(c => new { c.Status, c.StatusReason }).SingleAsync();
        return (c.Status, c.StatusReason);
    });

    [Fact]
    public async Task A_disconnected_prefix_and_a_number_that_no_longer_parses_become_unreachable_once_and_are_skipped_as_invalid_phone()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var active = await ContactAsync(api, Phone(31));
        var disconnected = await ContactAsync(api, Disconnected);
        var stale = await ContactAsync(api, Phone(32));
        // A number stored when the numbering plan allowed it and since withdrawn: libphonenumber no longer validates it.
        await app.InTenantAsync(tenant.Id, async sp =>
        {
            var protector = sp.GetRequiredService<PiiProtector>();
            return await tenant.WithDbAsync(db => db.Contacts.Where(c => c.Id == Guid.Parse(stale))
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.PhoneCipher, protector.Encrypt("+70001234567", tenant.Id, ContactService.PhoneContext)!)));
        });

        var first = await RunAsync(tenant, Simulator());
        Assert.Equal(2, first.Changed);
        Assert.Equal((3, 1, 1), (first.Details!["checked"], first.Details["invalidNumber"], first.Details["disconnected"]));
        Assert.Equal(ContactStatus.Active, await StatusAsync(tenant, active));
        Assert.Equal((ContactStatus.Unreachable, ContactStatusReasons.Disconnected), await StatusWithReasonAsync(tenant, disconnected));
        Assert.Equal((ContactStatus.Unreachable, ContactStatusReasons.InvalidNumber), await StatusWithReasonAsync(tenant, stale));

        var second = await RunAsync(tenant, Simulator());
        Assert.Equal((0, 1), (second.Changed, second.Details!["checked"]));

        var decisions = await app.InTenantAsync(tenant.Id, async sp =>
        {
            var policy = sp.GetRequiredService<SendPolicyService>();
            var intent = new SendIntent("marketing", SmsCategories.Transactional, SmsKinds.Test);
            return (await policy.DecideNumberAsync(intent, Disconnected), await policy.DecideNumberAsync(intent, Phone(31)));
        });
        Assert.Equal((SendOutcome.Skip, SendReasons.InvalidPhone), (decisions.Item1.Outcome, decisions.Item1.Reason));
        Assert.NotEqual(SendReasons.InvalidPhone, decisions.Item2.Reason);
    }

    [Fact]
    public async Task The_smsc_hlr_adapter_asks_for_the_batch_in_one_look_up_and_reads_each_number_s_status()
    {
        await using var stub = await ProviderStub.StartAsync();
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var active = await ContactAsync(api, Phone(41));
        var gone = await ContactAsync(api, "+79161110404");
        var pending = await ContactAsync(api, "+79161110505");

        using var http = new HttpClient();
        var options = Options.Create(new SmsOptions());
        options.Value.Smsc.BaseUrl = stub.BaseUrl;
        options.Value.Smsc.Login = "smsc-login";
        options.Value.Smsc.Secret = "smsc-password";
        var result = await app.InTenantAsync(tenant.Id, sp =>
            ActivatorUtilities.CreateInstance<ValidateNumbersJob>(sp, ActivatorUtilities.CreateInstance<SmscLineStatusProvider>(sp, http, options))
                .RunTenantAsync(tenant.Id, CancellationToken.None));

        Assert.Equal(1, result.Changed);
        Assert.Equal(ContactStatus.Unreachable, await StatusAsync(tenant, gone));
        Assert.Equal(ContactStatus.Active, await StatusAsync(tenant, active));
        Assert.Equal(ContactStatus.Active, await StatusAsync(tenant, pending)); // no answer yet: asked again next quarter
        var send = Assert.Single(stub.Requests, r => r.Path == "/sys/send.php");
        Assert.Equal(("1", "smsc-login", "3"), (send.Form["hlr"], send.Form["login"], send.Form["fmt"]));
        Assert.Equal(3, send.Form["phones"].Split(',').Length);
        Assert.Single(stub.Requests, r => r.Path == "/sys/status.php");
    }
}
