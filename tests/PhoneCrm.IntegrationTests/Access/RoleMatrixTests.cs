using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;
using PhoneCrm.Web.Features.Access;
using Xunit.Abstractions;

namespace PhoneCrm.IntegrationTests.Access;

/// <summary>
/// Enumerates every endpoint the app maps and checks it against the role matrix (RolePermissions) and the API
/// scopes: anonymous callers, each role, and keys with each single scope. A new endpoint is covered automatically.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class RoleMatrixTests(AppFixture app, ITestOutputHelper output)
{
    private sealed record Target(string Method, string Path, Permission? Permission, bool Anonymous);

    [Fact]
    public void Every_endpoint_declares_a_permission_or_is_explicitly_anonymous()
    {
        var undeclared = Targets(includeUndeclared: true).Where(t => t.Permission is null && !t.Anonymous)
            .Select(t => $"{t.Method} {t.Path}").ToList();
        Assert.Empty(undeclared);
        Assert.Contains(Targets(), t => t.Path == "/jobs" && t.Permission == Permission.PlatformOperations);
        Assert.Contains(Targets(), t => t.Path == "/metrics" && t.Permission == Permission.PlatformOperations);
        Assert.Contains(Targets(), t => t.Path == "/platform/encryption/rotate" && t.Permission == Permission.PlatformOperations);
        Assert.Contains(Targets(), t => t.Path == "/hygiene/jobs" && t.Permission == Permission.JobRunsView);
        Assert.Contains(Targets(), t => t.Path == "/hygiene" && t.Permission == Permission.HygieneManage);
        Assert.Contains(Targets(), t => t.Path == "/hygiene/responsible" && t.Permission == Permission.SettingsManage);
        // Analytics (issue 15): aggregates for Marketer, Analyst and Admin; the thresholds are Admin's; SalesManager sees none
        // of it (their own contacts' figures would still reveal the campaigns' totals by difference).
        Assert.Contains(Targets(), t => t.Path == "/analytics" && t.Permission == Permission.AnalyticsRead);
        Assert.Contains(Targets(), t => t.Path == "/api/v1/analytics/campaigns" && t.Permission == Permission.AnalyticsRead);
        Assert.Contains(Targets(), t => t.Path == "/analytics/settings" && t.Permission == Permission.SettingsManage);
        Assert.Equal([Role.Admin, Role.Marketer, Role.Analyst], Roles.All.Where(r => RolePermissions.Allows(r, Permission.AnalyticsRead)));
        // Surveys (issue 17): a SalesManager calls their own customers and reads the figures of their own calls (the console,
        // the survey page and the report apply their contact scope: SurveyFlowTests); scripts and the quality queue are the
        // survey managers', and the weekly summary of the whole tenant is not shown to them.
        Assert.Equal([Role.Admin, Role.Marketer, Role.SalesManager], Roles.All.Where(r => RolePermissions.Allows(r, Permission.SurveysCall)));
        Assert.Equal([Role.Admin, Role.Marketer, Role.SalesManager, Role.Analyst], Roles.All.Where(r => RolePermissions.Allows(r, Permission.SurveysRead)));
        Assert.Equal([Role.Admin, Role.Marketer], Roles.All.Where(r => RolePermissions.Allows(r, Permission.SurveysManage)));
        Assert.Contains(Targets(), t => t.Path == "/surveys/quality" && t.Permission == Permission.SurveysManage);
    }

    [Fact]
    public async Task Pages_follow_the_role_matrix()
    {
        var tenant = await app.CreateTenantAsync();
        var failures = new List<string>();
        var pages = Targets().Where(t => t.Permission is not null && !t.Path.StartsWith("/api/", StringComparison.Ordinal))
            .OrderBy(t => t.Path == "/account/logout") // signing out ends the session: last
            .ToList();
        Assert.True(pages.Count >= 15, $"only {pages.Count} pages found");
        output.WriteLine(string.Join("\n", pages.Select(p => $"{p.Method} {p.Path} {p.Permission}")));

        using (var anonymous = app.Session())
        {
            foreach (var page in pages)
            {
                var response = await SendAsync(anonymous, page, withToken: false);
                var location = response.Headers.Location?.OriginalString ?? "";
                // Platform pages do not exist for anyone but a platform operator: 404, not a sign-in prompt.
                if (page.Permission == Permission.PlatformOperations)
                {
                    if (response.StatusCode != HttpStatusCode.NotFound) failures.Add($"anonymous {page.Method} {page.Path}: {(int)response.StatusCode}, expected 404");
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.Redirect || !location.Contains("/account/login", StringComparison.Ordinal))
                    failures.Add($"anonymous {page.Method} {page.Path}: {(int)response.StatusCode} {location}");
            }
        }

        foreach (var role in Roles.All)
        {
            using var session = await tenant.SignInAsync(role);
            foreach (var page in pages)
            {
                var response = await SendAsync(session, page, withToken: true);
                var denied = page.Permission == Permission.PlatformOperations
                    ? response.StatusCode == HttpStatusCode.NotFound
                    : response.StatusCode == HttpStatusCode.Forbidden
                      || response.Headers.Location?.OriginalString.Contains("/account/access-denied", StringComparison.Ordinal) == true;
                var allowed = RolePermissions.Allows(role, page.Permission!.Value);
                if (allowed == denied) failures.Add($"{role} {page.Method} {page.Path}: expected {(allowed ? "allowed" : "denied")}, got {(int)response.StatusCode}");
                if ((int)response.StatusCode >= 500) failures.Add($"{role} {page.Method} {page.Path}: server error {(int)response.StatusCode}");
            }
        }

        foreach (var f in failures) output.WriteLine(f);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Api_endpoints_need_a_key_with_the_right_scope()
    {
        var tenant = await app.CreateTenantAsync();
        var apis = Targets().Where(t => t.Path.StartsWith("/api/v1/", StringComparison.Ordinal) && t.Permission is not null).ToList();
        Assert.NotEmpty(apis);
        var failures = new List<string>();
        using var noKey = app.Client();
        foreach (var api in apis)
        {
            var response = await noKey.SendAsync(new HttpRequestMessage(new HttpMethod(api.Method), api.Path));
            if (response.StatusCode != HttpStatusCode.Unauthorized) failures.Add($"no key {api.Method} {api.Path}: {(int)response.StatusCode}");
        }

        foreach (var scope in ApiScope.All)
        {
            var issued = await app.InTenantAsync(tenant.Id, sp =>
                sp.GetRequiredService<PhoneCrm.Infrastructure.Access.ApiKeyService>().CreateAsync($"scope {scope}", [scope], null));
            using var client = app.Client(issued.Token);
            foreach (var api in apis)
            {
                var request = new HttpRequestMessage(new HttpMethod(api.Method), api.Path);
                if (api.Method != "GET") request.Content = JsonContent.Create(new { });
                var response = await client.SendAsync(request);
                var allowed = ApiScope.Allows([scope], api.Permission!.Value);
                var denied = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized;
                if (allowed == denied) failures.Add($"scope {scope} {api.Method} {api.Path}: expected {(allowed ? "allowed" : "denied")}, got {(int)response.StatusCode}");
                if ((int)response.StatusCode >= 500) failures.Add($"scope {scope} {api.Method} {api.Path}: server error");
            }
        }

        foreach (var f in failures) output.WriteLine(f);
        Assert.Empty(failures);
    }

    private static async Task<HttpResponseMessage> SendAsync(UiSession session, Target target, bool withToken)
    {
        if (target.Method == "GET") return await session.GetAsync(target.Path);
        return withToken
            ? await session.PostFormAsync(target.Path, new(), tokenFrom: "/account/login")
            : await session.Client.PostAsync(target.Path, new FormUrlEncodedContent([]));
    }

    private List<Target> Targets(bool includeUndeclared = false)
    {
        var sources = app.Factory.Services.GetRequiredService<EndpointDataSource>();
        var targets = new List<Target>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var permission = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()
                .Select(a => a.Policy)
                .Where(p => p?.StartsWith(RequirePermissionAttribute.Prefix, StringComparison.Ordinal) == true)
                .Select(p => Enum.Parse<Permission>(p![RequirePermissionAttribute.Prefix.Length..]))
                .Cast<Permission?>()
                .LastOrDefault();
            foreach (var method in methods.Where(m => m is "GET" or "POST" or "PUT" or "DELETE" or "PATCH"))
                targets.Add(new Target(method, Concrete(pattern), permission, anonymous && permission is null));
        }

        return targets.Where(t => includeUndeclared || t.Permission is not null || t.Anonymous).Distinct().ToList();
    }

    /// <summary>Fills route parameters: ids with fresh GUIDs (unknown here), catch-alls with nothing.</summary>
    private static string Concrete(string pattern)
    {
        var path = CatchAll().Replace(pattern, "");
        path = Parameter().Replace(path, m => m.Value.Contains(":int", StringComparison.Ordinal) ? "404" : Guid.NewGuid().ToString());
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"/?\{\*\*?[^}]+\}")]
    private static partial Regex CatchAll();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
