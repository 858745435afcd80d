using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Tenancy;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Access;

/// <summary>An agency marketer who works for two companies switches between them from the user menu.</summary>
[Collection(AppCollection.Name)]
public sealed class TenantSwitchTests(AppFixture app)
{
    [Fact]
    public async Task A_member_of_two_companies_switches_and_sees_only_the_chosen_ones_data()
    {
        var first = await app.CreateTenantAsync("Агентство: Сад");
        var second = await app.CreateTenantAsync("Агентство: Дом");
        var user = await first.AddUserAsync(Role.Marketer);
        await app.InTenantAsync(second.Id, async sp => { await sp.GetRequiredService<TenantProvisioner>().AddMemberAsync(user.Id, [Role.Marketer]); return true; });
        await PostContactAsync(first, "+79161110001");
        await PostContactAsync(second, "+79161110002");
        var outsider = await app.CreateTenantAsync("Чужая");

        var session = app.Session();
        await session.SignInAsync(user);
        var menu = WebUtility.HtmlDecode(await session.Client.GetStringAsync("/"));
        Assert.Contains("id=\"current-tenant\" translate=\"no\">Агентство: Сад<", menu, StringComparison.Ordinal);
        Assert.Contains("Агентство: Дом", menu, StringComparison.Ordinal);
        Assert.Contains("+7 (916) 111-00-01", WebUtility.HtmlDecode(await session.Client.GetStringAsync("/contacts")), StringComparison.Ordinal);

        var switched = await session.PostFormAsync("/account/switch-tenant", new() { ["tenantId"] = second.Id.ToString() }, tokenFrom: "/");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        var contacts = WebUtility.HtmlDecode(await session.Client.GetStringAsync("/contacts"));
        Assert.Contains("+7 (916) 111-00-02", contacts, StringComparison.Ordinal);
        Assert.DoesNotContain("+7 (916) 111-00-01", contacts, StringComparison.Ordinal);
        Assert.Contains("id=\"current-tenant\" translate=\"no\">Агентство: Дом<", WebUtility.HtmlDecode(await session.Client.GetStringAsync("/")), StringComparison.Ordinal);
        Assert.Equal(1, await second.WithDbAsync(db => db.AuditLog.CountAsync(a => a.Details == "switched tenant" && a.EntityIds == user.Id.ToString())));

        // Not a member there: refused, and the cookie still names the company they were in.
        var refused = await session.PostFormAsync("/account/switch-tenant", new() { ["tenantId"] = outsider.Id.ToString() }, tokenFrom: "/");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Contains("+7 (916) 111-00-02", WebUtility.HtmlDecode(await session.Client.GetStringAsync("/contacts")), StringComparison.Ordinal);

        // A single-company user sees no switcher.
        using var single = await outsider.SignInAsync(Role.Marketer);
        Assert.DoesNotContain("current-tenant", await single.Client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    private static async Task PostContactAsync(TestTenant tenant, string phone)
    {
        var response = await tenant.Api().PostAsync("/api/v1/contacts",
            new StringContent($$"""{"phone":"{{phone}}","firstName":"Анна"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
