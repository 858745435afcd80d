using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Access;

[Collection(AppCollection.Name)]
public sealed class SignInTests(AppFixture app)
{
    [Fact]
    public async Task The_cookie_signing_keys_are_stored_encrypted_with_the_key_ring()
    {
        var tenant = await app.CreateTenantAsync();
        using var session = await tenant.SignInAsync(Role.Marketer);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/contacts")).StatusCode);

        var keys = await tenant.WithDbAsync(db => db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync());

        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<piiEncryptedKey", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
        // Read back from the database (not the in-memory ring): each key decrypts to a usable descriptor.
        var descriptors = await app.InTenantAsync(tenant.Id, sp => Task.FromResult(
            sp.GetRequiredService<IKeyManager>().GetAllKeys().Select(k => k.Descriptor).ToList()));
        Assert.Equal(keys.Count, descriptors.Count);
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_a_message_and_audited()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await tenant.AddUserAsync(Role.Marketer);
        using var session = app.Session();

        var response = await session.PostFormAsync("/account/login", new() { ["Email"] = user.Email, ["Password"] = "wrong-password" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Неверный email или пароль", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await tenant.WithDbAsync(db =>
            db.AuditLog.CountAsync(a => a.Action == AuditActions.SignInFailed && a.EntityIds == user.Id.ToString())));
    }

    [Fact]
    public async Task Five_failures_lock_the_account_even_for_the_right_password()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await tenant.AddUserAsync(Role.Marketer);
        using var session = app.Session();
        for (var i = 0; i < 5; i++)
            await session.PostFormAsync("/account/login", new() { ["Email"] = user.Email, ["Password"] = "wrong-password" });

        var response = await session.PostFormAsync("/account/login", new() { ["Email"] = user.Email, ["Password"] = user.Password });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("заблокирован", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await tenant.WithDbAsync(db => db.AuditLog.AnyAsync(a => a.Action == AuditActions.LockedOut)));
    }

    [Fact]
    public async Task Successful_sign_in_is_audited_with_the_ip()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await tenant.AddUserAsync(Role.Analyst);
        using var session = app.Session();
        await session.SignInAsync(user);

        var entry = await tenant.WithDbAsync(db => db.AuditLog.SingleAsync(a => a.Action == AuditActions.SignIn));
        Assert.Equal(user.Email, entry.Actor);
        Assert.Equal(user.Id, entry.UserId);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task An_expired_mfa_code_is_refused()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(Role.Admin);
        using var session = app.Session();
        var first = await session.PostFormAsync("/account/login", new() { ["Email"] = admin.Email, ["Password"] = admin.Password });
        Assert.StartsWith("/account/login-2fa", first.Headers.Location?.OriginalString, StringComparison.Ordinal);

        var stale = Totp.Code(admin.AuthenticatorKey!, DateTimeOffset.UtcNow.AddMinutes(-10));
        var response = await session.PostFormAsync("/account/login-2fa", new() { ["Code"] = stale }, "/account/login-2fa");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("неверный или устарел", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await tenant.WithDbAsync(db => db.AuditLog.AnyAsync(a => a.Action == AuditActions.MfaFailed)));
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_role_that_requires_mfa_is_sent_to_enrolment_before_anything_else()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await tenant.AddUserAsync(Role.Marketer);
        await tenant.WithDbAsync(async db =>
        {
            var m = await db.Memberships.SingleAsync(x => x.UserId == user.Id);
            m.Roles = [Role.ComplianceOfficer];
            return await db.SaveChangesAsync();
        });
        using var session = app.Session();
        await session.SignInAsync(user);

        var audit = await session.GetAsync("/audit");
        Assert.Equal("/account/mfa", audit.Headers.Location?.OriginalString);
        var page = await (await session.GetAsync("/account/mfa")).Content.ReadAsStringAsync();
        Assert.Contains("<svg", page, StringComparison.Ordinal);

        var key = System.Text.RegularExpressions.Regex.Match(page, "id=\"shared-key\"[^>]*>([^<]+)<").Groups[1].Value;
        var enrolled = await session.PostFormAsync("/account/mfa", new() { ["Code"] = Totp.Code(key) }, "/account/mfa");
        var body = await enrolled.Content.ReadAsStringAsync();
        Assert.Contains("id=\"recovery-codes\"", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/audit")).StatusCode);
    }

    [Fact]
    public async Task A_forged_csrf_token_is_rejected_and_nothing_changes()
    {
        var tenant = await app.CreateTenantAsync();
        using var admin = await tenant.SignInAsync(Role.Admin);

        var response = await admin.Client.PostAsync("/settings/api-keys", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Form.Name"] = "forged",
            ["Form.Scopes"] = "contacts",
            ["__RequestVerificationToken"] = "CfDJ8forged-token",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await tenant.WithDbAsync(db => db.ApiKeys.AnyAsync(k => k.Name == "forged")));
    }

    [Fact]
    public async Task Deactivated_user_loses_access_at_the_next_request()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await tenant.AddUserAsync(Role.Marketer);
        using var session = app.Session();
        await session.SignInAsync(user);
        using var admin = await tenant.SignInAsync(Role.Admin);

        var off = await admin.PostFormAsync($"/settings/users/{user.Id}/active", new() { ["active"] = "false" }, "/");
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);

        var response = await session.GetAsync("/");
        Assert.StartsWith("/account/login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.True(await tenant.WithDbAsync(db => db.AuditLog.AnyAsync(a => a.Action == AuditActions.UserDeactivated)));
    }
}
