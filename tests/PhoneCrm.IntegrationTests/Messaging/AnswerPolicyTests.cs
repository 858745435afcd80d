using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.IntegrationTests.Consent;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Messaging;

/// <summary>Consent codes and number-change codes are decided by the one send policy: a number suppressed for everything gets none.</summary>
[Collection(AppCollection.Name)]
public sealed class AnswerPolicyTests(AppFixture app)
{
    private static Task SuppressAsync(TestTenant tenant, string e164, string scope) => tenant.App.InTenantAsync(tenant.Id, async sp =>
    {
        var db = sp.GetRequiredService<PhoneCrmDbContext>();
        db.Suppressions.Add(new Suppression
        {
            TenantId = tenant.Id, PhoneIndex = sp.GetRequiredService<BlindIndex>().ForTenant(tenant.Id, BlindIndex.TenantBoundVersion).Phone(e164), Scope = scope, Reason = "staff",
            CreatedAt = DateTimeOffset.UtcNow,
        });
        return await db.SaveChangesAsync();
    });

    private static Task<int> MessagesToAsync(TestTenant tenant, string e164, string kind) => tenant.App.InTenantAsync(tenant.Id, sp =>
    {
        var index = sp.GetRequiredService<BlindIndex>().ForTenant(tenant.Id, BlindIndex.TenantBoundVersion).Phone(e164);
        return sp.GetRequiredService<PhoneCrmDbContext>().SmsMessages.CountAsync(m => m.PhoneIndex == index && m.Kind == kind);
    });

    private async Task<HttpResponseMessage> SubscribeAsync(TestTenant tenant, string phone, int ip)
    {
        var form = await CaptureFormTests.CreateFormAsync(tenant);
        using var visitor = app.Client();
        visitor.DefaultRequestHeaders.Add(TestClientIpFilter.Header, $"203.0.113.{ip}");
        return await visitor.PostAsync($"/f/{tenant.Id}/{form.Key}", new FormUrlEncodedContent(
            [new("Phone", phone), new("Purposes", "marketing")]));
    }

    [Fact]
    public async Task A_consent_code_to_a_number_suppressed_for_everything_is_not_sent()
    {
        var tenant = await app.CreateTenantAsync();
        await SuppressAsync(tenant, "+79161230001", SuppressionScopes.All);
        var response = await SubscribeAsync(tenant, "+79161230001", 11);

        // The visitor learns nothing about the suppression; the code simply never comes and nothing is granted.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await MessagesToAsync(tenant, "+79161230001", SmsKinds.ConsentCode));
        var challenge = await tenant.WithDbAsync(db => db.ConsentCodeChallenges.AsNoTracking().SingleAsync());
        Assert.Null(challenge.SmsMessageId);
        Assert.False(await tenant.WithDbAsync(db => db.ConsentStates.AnyAsync()));
    }

    [Fact]
    public async Task A_number_that_only_opted_out_of_marketing_still_gets_its_consent_code()
    {
        var tenant = await app.CreateTenantAsync();
        await SuppressAsync(tenant, "+79161230002", SuppressionScopes.Marketing);
        Assert.Equal(HttpStatusCode.OK, (await SubscribeAsync(tenant, "+79161230002", 12)).StatusCode);
        Assert.Equal(1, await MessagesToAsync(tenant, "+79161230002", SmsKinds.ConsentCode));
        Assert.Matches(@"^\d{6}$", await CaptureFormTests.LastCodeAsync(tenant, "+79161230002"));
    }

    [Fact]
    public async Task A_number_change_code_to_a_new_number_suppressed_for_everything_is_not_sent()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var granted = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone = "+79161230003", purpose = "marketing", channel = "sms", legalBasis = "consent", evidence = new { method = "web_form" },
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        await SuppressAsync(tenant, "+79161230004", SuppressionScopes.All);

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/sms/inbound",
            new { from = "+79161230003", to = "PhoneCrm", text = "НОВЫЙ", receivedAt = DateTimeOffset.UtcNow })).StatusCode);
        Assert.Equal(1, await MessagesToAsync(tenant, "+79161230003", SmsKinds.NumberChange)); // the question to the old number
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/sms/inbound",
            new { from = "+79161230003", to = "PhoneCrm", text = "+79161230004", receivedAt = DateTimeOffset.UtcNow })).StatusCode);

        Assert.Equal(0, await MessagesToAsync(tenant, "+79161230004", SmsKinds.NumberChange));
    }

    [Fact]
    public async Task Novyi_from_a_number_suppressed_for_everything_asks_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79161230005" })).StatusCode);
        await SuppressAsync(tenant, "+79161230005", SuppressionScopes.All);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/sms/inbound",
            new { from = "+79161230005", to = "PhoneCrm", text = "НОВЫЙ", receivedAt = DateTimeOffset.UtcNow })).StatusCode);
        Assert.Equal(0, await MessagesToAsync(tenant, "+79161230005", SmsKinds.NumberChange));
    }
}
