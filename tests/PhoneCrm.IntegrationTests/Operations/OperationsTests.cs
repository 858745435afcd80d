using System.Net;
using System.Text.Json;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Operations;

[Collection(AppCollection.Name)]
public sealed class OperationsTests(AppFixture app)
{
    [Fact]
    public async Task Health_endpoints_answer_without_sign_in()
    {
        using var client = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_lists_the_api()
    {
        using var client = app.Client();
        var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/me", paths);
        Assert.All(paths, p => Assert.StartsWith("/api/", p, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/docs/v1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/docs/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task Pages_carry_security_headers_and_csrf_tokens()
    {
        using var client = app.Client();
        var response = await client.GetAsync("/account/login");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("__RequestVerificationToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobs_dashboard_is_for_platform_operators_only()
    {
        var tenant = await app.CreateTenantAsync();
        using var op = await tenant.SignInAsync(Role.SystemOperator);
        using var marketer = await tenant.SignInAsync(Role.Marketer);
        using var anonymous = app.Session();
        using var platform = app.Session();
        await platform.SignInAsync(await app.CreatePlatformOperatorAsync());

        Assert.Equal(HttpStatusCode.OK, (await platform.GetAsync("/jobs")).StatusCode);
        // Every tenant's jobs are on it: for a tenant's people (its SystemOperator too) and for strangers it does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marketer.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/hygiene/jobs")).StatusCode);
    }

    [Fact]
    public async Task Language_switch_changes_the_ui_language()
    {
        using var session = app.Session();
        var ru = await (await session.GetAsync("/account/login")).Content.ReadAsStringAsync();
        Assert.Contains("Войти", ru, StringComparison.Ordinal);

        await session.PostFormAsync("/culture", new() { ["culture"] = "en-US", ["returnUrl"] = "/account/login" });
        var en = await (await session.GetAsync("/account/login")).Content.ReadAsStringAsync();
        Assert.Contains("Sign in to PhoneCrm", en, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compliance_officer_searches_and_exports_the_audit_log_and_the_export_is_audited()
    {
        var tenant = await app.CreateTenantAsync();
        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);

        var page = await (await officer.GetAsync("/audit?action=auth.sign_in")).Content.ReadAsStringAsync();
        // Entries show the action in the user's words (the code stays the filter's value).
        Assert.Contains(">вход</span>", page, StringComparison.Ordinal);
        // The action filter offers the actions in use (read from the (tenant, action) index).
        Assert.Contains("<option value=\"tenant.created\"", page, StringComparison.Ordinal);
        Assert.Contains("<option value=\"auth.sign_in\"", page, StringComparison.Ordinal);
        var csv = await officer.GetAsync("/audit/export?csv=comma");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.StartsWith("id,at,actor,action", text.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains("tenant.created", text, StringComparison.Ordinal);
        var again = await (await officer.GetAsync("/audit?action=audit.exported")).Content.ReadAsStringAsync();
        Assert.Contains(">выгрузка журнала</span>", again, StringComparison.Ordinal);
    }
}
