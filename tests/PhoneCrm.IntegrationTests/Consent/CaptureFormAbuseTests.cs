using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Consent;

/// <summary>Issue 12 item 4: no SMS pumping through public capture forms (api-v1 "Capture forms").</summary>
[Collection(AppCollection.Name)]
public sealed partial class CaptureFormAbuseTests(AppFixture app)
{
    private static int _ip;

    [Fact]
    public async Task Twenty_posts_for_one_number_send_at_most_three_codes_then_429_with_retry_after()
    {
        var tenant = await app.CreateTenantAsync();
        var form = await CaptureFormTests.CreateFormAsync(tenant);
        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 20; i++)
        {
            // A new address for every post: the per-number limit holds however many addresses the attacker has.
            using var visitor = Visitor();
            statuses.Add(await visitor.PostAsync(Url(tenant, form), Form(("Phone", "+7 916 555-12-34"), ("Purposes", "marketing"))));
        }

        Assert.Equal(3, statuses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var limited = statuses.Skip(3).ToList();
        Assert.All(limited, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.All(limited, r => Assert.True(r.Headers.RetryAfter?.Delta > TimeSpan.FromHours(23), "Retry-After until the first code leaves the 24 h window"));
        Assert.Contains("ничего не отправлено", WebUtility.HtmlDecode(await limited[0].Content.ReadAsStringAsync()));

        var outbox = await OutboxAsync(tenant, "+79165551234");
        Assert.Equal(3, outbox.Count);
        Assert.All(outbox, item => Assert.Equal(SmsKinds.ConsentCode, item.GetProperty("kind").GetString()));
        Assert.Equal(3, await tenant.WithDbAsync(db => db.SmsMessages.CountAsync()));
    }

    [Theory]
    [InlineData("+7 809 505-12-34", PhoneTypes.PremiumRate)]
    [InlineData("+7 495 123-45-67", PhoneTypes.FixedLine)]
    [InlineData("+44 7911 123456", PhoneTypes.Mobile)]
    [InlineData("+375 29 123-45-67", PhoneTypes.Mobile)]
    public async Task A_premium_rate_landline_or_foreign_number_gets_no_code_but_a_400_page_with_the_phone_error(string phone, string type)
    {
        Assert.Equal(type, PhoneParser.Parse(phone).Phone!.Type);
        var tenant = await app.CreateTenantAsync();
        var form = await CaptureFormTests.CreateFormAsync(tenant);
        using var visitor = Visitor();

        var response = await visitor.PostAsync(Url(tenant, form), Form(("Phone", phone), ("Purposes", "surveys")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("Код подтверждения можно отправить только на мобильный номер нашего региона", html);
        Assert.Matches("id=\"phone-error\"|is-invalid", html);
        Assert.Equal(0, await tenant.WithDbAsync(db => db.SmsMessages.CountAsync()));
        Assert.Equal(0, await tenant.WithDbAsync(db => db.ConsentCodeChallenges.CountAsync()));
        Assert.Equal(0, await tenant.WithDbAsync(db => db.ConsentRecords.CountAsync()));
    }

    [Fact]
    public async Task A_foreign_mobile_gets_a_code_once_the_admin_allows_its_region()
    {
        var tenant = await app.CreateTenantAsync();
        var form = await CaptureFormTests.CreateFormAsync(tenant);
        await SaveSafetyAsync(tenant, new PublicSafetyInput("RU, BY", null, null));
        using var visitor = Visitor();
        var response = await visitor.PostAsync(Url(tenant, form), Form(("Phone", "+375 29 123-45-67"), ("Purposes", "surveys")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await OutboxAsync(tenant, "+375291234567"));
    }

    [Fact]
    public async Task When_the_daily_budget_is_used_up_no_more_codes_go_and_the_dashboard_alerts_the_admin()
    {
        var tenant = await app.CreateTenantAsync();
        var form = await CaptureFormTests.CreateFormAsync(tenant);
        await SaveSafetyAsync(tenant, new PublicSafetyInput("RU", "2", null));
        using var admin = await tenant.SignInAsync(Role.Admin);
        Assert.DoesNotContain("code-budget-alert", await admin.Client.GetStringAsync("/"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var visitor = Visitor();
            statuses.Add((await visitor.PostAsync(Url(tenant, form), Form(("Phone", $"+7 916 700-00-0{i}"), ("Purposes", "marketing")))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, await tenant.WithDbAsync(db => db.SmsMessages.CountAsync()));
        var dashboard = WebUtility.HtmlDecode(await admin.Client.GetStringAsync("/"));
        Assert.Contains("id=\"code-budget-alert\"", dashboard);
        Assert.Contains("Дневной лимит кодов подтверждения исчерпан", dashboard);
    }

    [Fact]
    public async Task Nothing_is_granted_before_the_code_is_confirmed_whatever_the_purposes()
    {
        var tenant = await app.CreateTenantAsync();
        var form = await CaptureFormTests.CreateFormAsync(tenant);
        using var visitor = Visitor();
        var response = await visitor.PostAsync(Url(tenant, form), Form(("Phone", "+79161234567"), ("Name", "Анна"), ("Purposes", "surveys")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await tenant.WithDbAsync(db => db.ConsentRecords.CountAsync()));
        Assert.Equal(0, await tenant.WithDbAsync(db => db.ConsentStates.CountAsync()));
        Assert.Equal(0, await tenant.WithDbAsync(db => db.Contacts.CountAsync()));

        var challenge = ChallengeRegex().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value;
        var confirmed = await visitor.PostAsync(Url(tenant, form) + "/confirm", Form(("challenge", challenge), ("code", await CaptureFormTests.LastCodeAsync(tenant))));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var record = await tenant.WithDbAsync(db => db.ConsentRecords.SingleAsync());
        Assert.Equal(("surveys", "sms_code"), (record.Purpose, record.Method));
    }

    [Fact]
    public async Task The_per_address_limit_counts_an_ipv6_64_as_one_address()
    {
        var tenant = await app.CreateTenantAsync();
        var form = await CaptureFormTests.CreateFormAsync(tenant);
        var network = $"2001:db8:{Interlocked.Increment(ref _ip):x}:7";
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 12; i++)
        {
            using var client = app.Client();
            client.DefaultRequestHeaders.Add(TestClientIpFilter.Header, $"{network}::{i:x}");
            statuses.Add((await client.GetAsync(Url(tenant, form))).StatusCode);
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        using var neighbour = app.Client();
        neighbour.DefaultRequestHeaders.Add(TestClientIpFilter.Header, $"2001:db8:{Interlocked.Increment(ref _ip):x}:8::1");
        Assert.Equal(HttpStatusCode.OK, (await neighbour.GetAsync(Url(tenant, form))).StatusCode);
    }

    [Fact]
    public async Task The_api_creates_and_lists_forms_and_refuses_a_redirect_outside_the_allowed_link_domains()
    {
        var tenant = await app.CreateTenantAsync();
        await CaptureFormTests.CreateTextAsync(tenant);
        using var api = tenant.Api();

        var bad = await api.PostAsJsonAsync("/api/v1/capture-forms",
            new { name = "Checkout", purposes = new[] { "marketing" }, textVersionId = (Guid?)null, redirectUrl = "https://evil.example/x" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("evil.example", problem.GetProperty("errors").GetProperty("redirectUrl")[0].GetString());

        await SaveSafetyAsync(tenant, new PublicSafetyInput("RU", null, "shop.example"));
        var created = await api.PostAsJsonAsync("/api/v1/capture-forms",
            new { name = "Checkout", purposes = new[] { "marketing" }, textVersionId = (Guid?)null, redirectUrl = "https://www.shop.example/thanks" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        Assert.EndsWith($"/f/{tenant.Id}/{key}", body.GetProperty("publicUrl").GetString());

        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/capture-forms");
        Assert.Equal(body.GetProperty("id").GetGuid(), list.GetProperty("items")[0].GetProperty("id").GetGuid());

        using var visitor = Visitor();
        var page = await visitor.GetStringAsync($"/f/{tenant.Id}/{key}");
        Assert.Contains("name=\"Purposes\"", page);
        var posted = await visitor.PostAsync($"/f/{tenant.Id}/{key}", Form(("Phone", "+79161234567"), ("Purposes", "marketing")));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(SmsKinds.ConsentCode, (await OutboxAsync(tenant, "+79161234567")).Single().GetProperty("kind").GetString());
    }

    private static Task SaveSafetyAsync(TestTenant tenant, PublicSafetyInput input) => tenant.App.InTenantAsync(tenant.Id, async sp =>
    {
        var errors = await sp.GetRequiredService<PublicSafetySettings>().SaveAsync(input);
        Assert.True(errors.IsValid, errors.ToString());
        return true;
    });

    private static async Task<List<JsonElement>> OutboxAsync(TestTenant tenant, string phone)
    {
        using var api = tenant.Api();
        var outbox = await api.GetFromJsonAsync<JsonElement>($"/api/v1/sms/outbox?phone={Uri.EscapeDataString(phone)}");
        return outbox.GetProperty("items").EnumerateArray().ToList();
    }

    private static HttpContent Form(params (string Key, string Value)[] fields) =>
        new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private HttpClient Visitor()
    {
        var n = Interlocked.Increment(ref _ip);
        var client = app.Client();
        client.DefaultRequestHeaders.Add(TestClientIpFilter.Header, $"100.64.{n / 250}.{n % 250 + 1}");
        return client;
    }

    private static string Url(TestTenant tenant, CaptureForm form) => $"/f/{tenant.Id}/{form.Key}";

    [GeneratedRegex("name=\"challenge\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex ChallengeRegex();
}
