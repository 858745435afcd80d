using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Access;

/// <summary>Issue 12 item 7: the TOTP key is shown only during enrolment, re-enrolment needs the password, secrets are encrypted at rest.</summary>
[Collection(AppCollection.Name)]
public sealed partial class MfaSecretsTests(AppFixture app)
{
    [Fact]
    public async Task User_tokens_hold_no_readable_totp_key_or_recovery_code()
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
        var page = await (await session.GetAsync("/account/mfa")).Content.ReadAsStringAsync();
        var key = SharedKey().Match(page).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        Assert.NotEmpty(key);
        var enrolled = await (await session.PostFormAsync("/account/mfa", new() { ["Code"] = Totp.Code(key) }, "/account/mfa")).Content.ReadAsStringAsync();
        var codes = WebUtility.HtmlDecode(Regex.Match(enrolled, "id=\"recovery-codes\">([^<]+)<").Groups[1].Value).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, codes.Length);

        // Read as a dump would: the table's raw values.
        var values = await tenant.WithDbAsync(db => db.Database
            .SqlQuery<string>($"SELECT value AS \"Value\" FROM user_tokens WHERE user_id = {user.Id} AND value IS NOT NULL").ToListAsync());
        Assert.Equal(2, values.Count);
        Assert.All(values, v =>
        {
            Assert.DoesNotContain(key, v, StringComparison.OrdinalIgnoreCase);
            Assert.All(codes, c => Assert.DoesNotContain(c.Trim(), v, StringComparison.OrdinalIgnoreCase));
            Assert.StartsWith("pii:", v, StringComparison.Ordinal);
        });

        // The codes still work from the encrypted store: a recovery code signs in.
        using var again = app.Session();
        var login = await again.PostFormAsync("/account/login", new() { ["Email"] = user.Email, ["Password"] = user.Password });
        Assert.StartsWith("/account/login-2fa", login.Headers.Location?.OriginalString, StringComparison.Ordinal);
        var recovered = await again.PostFormAsync("/account/login-2fa", new() { ["Code"] = codes[0].Trim(), ["UseRecoveryCode"] = "true" }, "/account/login-2fa");
        Assert.Equal(HttpStatusCode.Redirect, recovered.StatusCode);
    }

    [Fact]
    public async Task An_enrolled_key_is_never_shown_again_and_re_enrolment_needs_the_password_and_makes_a_new_key()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(Role.Admin);
        using var session = app.Session();
        await session.SignInAsync(admin);

        var page = await (await session.GetAsync("/account/mfa")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("id=\"shared-key\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain(admin.AuthenticatorKey!, page.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("id=\"mfa-reset\"", page, StringComparison.Ordinal);

        var wrong = await session.PostFormAsync("/account/mfa/reset", new() { ["password"] = "not-the-password" }, "/account/mfa");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.DoesNotContain("id=\"shared-key\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var reset = await session.PostFormAsync("/account/mfa/reset", new() { ["password"] = admin.Password }, "/account/mfa");
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var newKey = SharedKey().Match(await reset.Content.ReadAsStringAsync()).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        Assert.NotEmpty(newKey);
        Assert.NotEqual(admin.AuthenticatorKey!.ToUpperInvariant(), newKey);

        var confirmed = await session.PostFormAsync("/account/mfa", new() { ["Code"] = Totp.Code(newKey) }, "/account/mfa");
        Assert.Contains("id=\"recovery-codes\"", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var next = app.Session();
        await next.SignInAsync(admin with { AuthenticatorKey = newKey });
    }

    [GeneratedRegex("id=\"shared-key\"[^>]*>([^<]+)<")]
    private static partial Regex SharedKey();
}
