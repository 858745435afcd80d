using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.IntegrationTests.Consent;
using PhoneCrm.IntegrationTests.Infrastructure;
using PhoneCrm.IntegrationTests.Messaging;

namespace PhoneCrm.IntegrationTests.Platform;

/// <summary>api-v1 "Platform operators": the platform is not a tenant (issue 12 item 1).</summary>
[Collection(AppCollection.Name)]
public sealed partial class PlatformOperatorTests(AppFixture app)
{
    private static readonly string[] _platformPages = ["/jobs", "/platform/encryption", "/platform/tenants"];

    [Fact]
    public async Task Tenant_admins_operators_and_api_keys_get_404_on_the_jobs_dashboard_and_key_rotation()
    {
        var tenant = await app.CreateTenantAsync();
        var ring = app.Factory.Services.GetRequiredService<PiiKeyRing>();
        var activeBefore = ring.ActiveKeyId;
        foreach (var role in new[] { Role.Admin, Role.SystemOperator })
        {
            using var session = await tenant.SignInAsync(role);
            foreach (var page in _platformPages)
                Assert.Equal(HttpStatusCode.NotFound, (await session.GetAsync(page)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await session.PostFormAsync("/platform/encryption/rotate", new())).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await session.PostFormAsync($"/platform/tenants/{tenant.Id}/suspend", new())).StatusCode);
            // The tenant page that used to rotate the platform's keys is gone.
            Assert.Equal(HttpStatusCode.NotFound, (await session.PostFormAsync("/settings/encryption/rotate", new())).StatusCode);
        }

        Assert.Equal(activeBefore, ring.ActiveKeyId);
        using var api = tenant.Api();
        foreach (var page in _platformPages) Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(page)).StatusCode);
        using var anonymous = app.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/jobs")).StatusCode);
    }

    [Fact]
    public async Task A_tenant_system_operator_sees_its_own_job_runs_read_only()
    {
        var tenant = await app.CreateTenantAsync();
        using var sysop = await tenant.SignInAsync(Role.SystemOperator);
        var response = await sysop.GetAsync("/hygiene/jobs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-job=\"hygiene-engagement\"", html, StringComparison.Ordinal);
        Assert.Contains("data-status=\"Healthy\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form method=\"post\" action=\"/hygiene", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/hygiene/jobs\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/jobs\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_platform_operator_reaches_the_jobs_dashboard_and_rotates_the_key_but_no_tenant_page()
    {
        var tenant = await app.CreateTenantAsync();
        using var ops = app.Session();
        await ops.SignInAsync(await app.CreatePlatformOperatorAsync());

        Assert.Equal("/platform/tenants", (await ops.GetAsync("/")).Headers.Location?.OriginalString);
        foreach (var page in _platformPages) Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync(page)).StatusCode);
        var tenants = await (await ops.GetAsync("/platform/tenants")).Content.ReadAsStringAsync();
        Assert.Contains($"data-tenant=\"{tenant.Id}\"", tenants, StringComparison.Ordinal);

        var ring = app.Factory.Services.GetRequiredService<PiiKeyRing>();
        var before = ring.ActiveKeyId;
        Assert.Equal(HttpStatusCode.Redirect, (await ops.PostFormAsync("/platform/encryption/rotate", new(), "/platform/encryption")).StatusCode);
        Assert.NotEqual(before, ring.ActiveKeyId);

        // Nothing of a tenant: no contacts, no consent, no audit log — and no tenant's rows through the API either.
        foreach (var page in new[] { "/contacts", "/consent", "/audit", "/hygiene/jobs", "/settings/users" })
        {
            var response = await ops.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden
                || response.Headers.Location?.OriginalString.Contains("/account/access-denied", StringComparison.Ordinal) == true,
                $"{page}: {(int)response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await ops.GetAsync("/api/v1/contacts")).StatusCode);
    }

    [Fact]
    public async Task A_suspended_tenant_cannot_sign_in_or_call_the_api_until_resumed()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(Role.Marketer);
        using var signedIn = app.Session();
        await signedIn.SignInAsync(admin);
        using var ops = app.Session();
        await ops.SignInAsync(await app.CreatePlatformOperatorAsync());

        Assert.Equal(HttpStatusCode.Redirect,
            (await ops.PostFormAsync($"/platform/tenants/{tenant.Id}/suspend", new(), "/platform/tenants")).StatusCode);
        Assert.Contains("/account/login", (await signedIn.GetAsync("/contacts")).Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        using var again = app.Session();
        await Assert.ThrowsAsync<InvalidOperationException>(() => again.SignInAsync(admin));
        using var api = tenant.Api();
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect,
            (await ops.PostFormAsync($"/platform/tenants/{tenant.Id}/resume", new(), "/platform/tenants")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/me")).StatusCode);
        await again.SignInAsync(admin);
    }

    [Fact]
    public async Task A_suspended_tenant_sends_nothing_and_its_capture_forms_are_gone_until_resumed_then_the_held_messages_go_out_once()
    {
        var tenant = await app.CreateTenantAsync();
        var form = await CaptureFormTests.CreateFormAsync(tenant);
        using var visitor = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"/f/{tenant.Id}/{form.Key}")).StatusCode);
        using var ops = app.Session();
        await ops.SignInAsync(await app.CreatePlatformOperatorAsync());
        Assert.Equal(HttpStatusCode.Redirect,
            (await ops.PostFormAsync($"/platform/tenants/{tenant.Id}/suspend", new(), "/platform/tenants")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/f/{tenant.Id}/{form.Key}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.PostAsync($"/f/{tenant.Id}/{form.Key}",
            new FormUrlEncodedContent([new("Phone", "+79165550101"), new("Purposes", "marketing")]))).StatusCode);
        await app.InTenantAsync(tenant.Id, async sp =>
        {
            var message = await sp.GetRequiredService<SmsOutbox>().QueueAsync(SmsTestData.Sms("+79165550102", key: "held"), CancellationToken.None);
            await sp.GetRequiredService<SmsDelivery>().DeliverAsync([message.Id], CancellationToken.None);
            return message.Id;
        });
        await Sweeper().SweepAsync(allTenants: true, CancellationToken.None);
        var held = await tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking().SingleAsync());
        Assert.Equal((SmsStatus.Queued, 0), (held.Status, held.Attempts));
        Assert.Empty(await tenant.WithDbAsync(db => db.SimulatorMessages.AsNoTracking().ToListAsync()));

        Assert.Equal(HttpStatusCode.Redirect,
            (await ops.PostFormAsync($"/platform/tenants/{tenant.Id}/resume", new(), "/platform/tenants")).StatusCode);
        await Sweeper().SweepAsync(allTenants: true, CancellationToken.None);
        var sent = await SmsTestData.EventuallyAsync(() => tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking().SingleAsync()),
            m => m.Status is SmsStatus.Sent or SmsStatus.Delivered, seconds: 60);
        Assert.Equal(1, sent.Attempts);
        Assert.Single(await tenant.WithDbAsync(db => db.SimulatorMessages.AsNoTracking().ToListAsync()));
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"/f/{tenant.Id}/{form.Key}")).StatusCode);
    }

    private SmsDeliverySweeper Sweeper() => app.Factory.Services.GetServices<IHostedService>().OfType<SmsDeliverySweeper>().Single();

    [Fact]
    public async Task The_operator_create_verb_prints_credentials_that_force_a_password_change_and_totp_enrolment()
    {
        var email = $"ops-{Guid.NewGuid():N}@example.test";
        var (code, stdout, stderr) = await WebProcess.RunAsync(app.Factory, ["operator", "create", "--email", email]);
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout.Trim()).RootElement;
        Assert.Equal(["email", "password"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(email, json.GetProperty("email").GetString());
        var password = json.GetProperty("password").GetString()!;

        var again = await WebProcess.RunAsync(app.Factory, ["operator", "create", "--email", email]);
        Assert.Equal(2, again.Code);

        using var session = app.Session();
        var login = await session.PostFormAsync("/account/login", new() { ["Email"] = email, ["Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/account/change-password", (await session.GetAsync("/jobs")).Headers.Location?.OriginalString);
        const string newPassword = "Ops-New-Pass-2026!";
        var changed = await session.PostFormAsync("/account/change-password",
            new() { ["CurrentPassword"] = password, ["NewPassword"] = newPassword, ["ConfirmPassword"] = newPassword }, "/account/change-password");
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        Assert.Equal("/account/mfa", (await session.GetAsync("/jobs")).Headers.Location?.OriginalString);
        var page = await (await session.GetAsync("/account/mfa")).Content.ReadAsStringAsync();
        var key = SharedKey().Match(page).Groups[1].Value;
        await session.PostFormAsync("/account/mfa", new() { ["Code"] = Totp.Code(key) }, "/account/mfa");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/platform/encryption")).StatusCode);
    }

    [GeneratedRegex("id=\"shared-key\"[^>]*>([^<]+)<")]
    private static partial Regex SharedKey();
}
