using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Access;

[Collection(AppCollection.Name)]
public sealed class ApiKeyTests(AppFixture app)
{
    [Fact]
    public async Task A_key_identifies_its_tenant_and_missing_or_bad_keys_get_problem_json_401()
    {
        var tenant = await app.CreateTenantAsync();

        var me = await tenant.Api().GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(tenant.Id, me.GetProperty("tenantId").GetGuid());

        foreach (var key in new[] { null, "garbage", tenant.ApiKey[..^3] + "abc" })
        {
            var response = await app.Client(key).GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Admin_creates_a_key_shown_once_and_a_revoked_key_stops_working_with_an_audit_entry()
    {
        var tenant = await app.CreateTenantAsync();
        using var admin = await tenant.SignInAsync(Role.Admin);

        var created = await admin.PostFormAsync("/settings/api-keys",
            new() { ["Form.Name"] = "Web shop", ["Form.Scopes"] = "contacts" }, "/settings/api-keys");
        var html = await created.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "id=\"new-api-key\">([^<]+)<").Groups[1].Value;
        Assert.StartsWith("pcrm_", token, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(token).GetAsync("/api/v1/me")).StatusCode);
        Assert.DoesNotContain(token, await (await admin.GetAsync("/settings/api-keys")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var stored = await tenant.WithDbAsync(db => db.ApiKeys.SingleAsync(k => k.Name == "Web shop"));
        Assert.DoesNotContain(token.Split('_')[3], Convert.ToBase64String(stored.SecretHash), StringComparison.Ordinal);
        await admin.PostFormAsync($"/settings/api-keys/{stored.Id}/revoke", new(), "/settings/api-keys");

        var refused = await app.Client(token).GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var actions = await tenant.WithDbAsync(db => db.AuditLog.Where(a => a.EntityIds == stored.Id.ToString()).Select(a => a.Action).ToListAsync());
        Assert.Contains(AuditActions.ApiKeyCreated, actions);
        Assert.Contains(AuditActions.ApiKeyRevoked, actions);
        Assert.Contains(AuditActions.ApiKeyRejected, actions);
    }

    [Fact]
    public async Task Invite_assign_roles_and_role_change_take_effect_and_are_audited()
    {
        var tenant = await app.CreateTenantAsync();
        using var admin = await tenant.SignInAsync(Role.Admin);
        var email = $"new-{Guid.NewGuid():N}@test.phonecrm";

        var invited = await admin.PostFormAsync("/settings/users/invite",
            new() { ["Invite.Email"] = email, ["Invite.Roles"] = "Analyst" }, "/settings/users");
        var html = await invited.Content.ReadAsStringAsync();
        var password = System.Net.WebUtility.HtmlDecode(
            System.Text.RegularExpressions.Regex.Match(html, "id=\"invited-password\">([^<]+)<").Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(password));

        using var newcomer = app.Session();
        await newcomer.SignInAsync(new TestUser(Guid.Empty, email, password, null));
        Assert.Equal("/account/change-password", (await newcomer.GetAsync("/")).Headers.Location?.OriginalString);
        var changed = await newcomer.PostFormAsync("/account/change-password", new()
        {
            ["CurrentPassword"] = password, ["NewPassword"] = "Brand-New-Pass-1", ["ConfirmPassword"] = "Brand-New-Pass-1",
        }, "/account/change-password");
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newcomer.GetAsync("/")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await newcomer.GetAsync("/settings/users")).StatusCode);

        var userId = await tenant.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        await admin.PostFormAsync($"/settings/users/{userId}/roles", new() { ["roles"] = "Marketer" }, "/settings/users");
        var roles = await tenant.WithDbAsync(db => db.Memberships.Where(m => m.UserId == userId).Select(m => m.Roles).SingleAsync());
        Assert.Equal([Role.Marketer], roles);
        var audit = await tenant.WithDbAsync(db => db.AuditLog.Where(a => a.EntityIds == userId.ToString()).Select(a => a.Action).ToListAsync());
        Assert.Contains(AuditActions.UserInvited, audit);
        Assert.Contains(AuditActions.RolesChanged, audit);
        Assert.Contains(AuditActions.PasswordChanged, audit);
    }
}
