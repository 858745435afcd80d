using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Campaigns;

/// <summary>The campaign form names purposes as the Consent pages do, never by their codes.</summary>
[Collection(AppCollection.Name)]
public sealed class CampaignFormTests(AppFixture app)
{
    [Fact]
    public async Task The_purpose_select_shows_the_purposes_names_in_Russian_and_English()
    {
        var tenant = await app.CreateTenantAsync();
        var (custom, errors) = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ConsentPurposes>()
            .SaveAsync("loyalty_club", "Клуб садоводов", 365, ["consent"], create: true));
        Assert.True(errors.IsValid, errors.ToString());
        Assert.NotNull(custom);
        using var session = await tenant.SignInAsync(Role.Marketer);

        var page = await session.GetAsync("/campaigns/new");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<option value=\"marketing\" selected=\"selected\">Маркетинг</option>", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"transactional\">Транзакционные</option>", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"ad_audiences\">Рекламные аудитории</option>", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"loyalty_club\">Клуб садоводов</option>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">ad_audiences<", html, StringComparison.Ordinal);

        var english = await (await session.GetAsync("/campaigns/new?culture=en-US&ui-culture=en-US")).Content.ReadAsStringAsync();
        Assert.Contains("<option value=\"ad_audiences\">ad audiences</option>", english, StringComparison.Ordinal);
        Assert.Contains("<option value=\"loyalty_club\">Клуб садоводов</option>", english, StringComparison.Ordinal);
        Assert.DoesNotContain(">ad_audiences<", english, StringComparison.Ordinal);
    }
}
