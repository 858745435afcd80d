using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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

/// <summary>Sending asks first; a draft can be edited until it starts; the form and the API refuse what the template editor refuses.</summary>
[Collection(AppCollection.Name)]
public sealed class CampaignDraftTests(AppFixture app)
{
    [Fact]
    public async Task Start_from_the_page_needs_a_confirmation_and_only_a_draft_is_edited()
    {
        var tenant = await app.CreateTenantAsync();
        var api = tenant.Api();
        var segment = await CampaignData.SegmentAllAsync(api);
        var id = await CampaignData.CampaignAsync(api, segment);
        using var marketer = await tenant.SignInAsync(Role.Marketer);

        var edited = await marketer.PostFormAsync($"/campaigns/{id}/edit", Form(segment, "Весна", CampaignData.Promo), tokenFrom: $"/campaigns/{id}/edit");
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Equal("Весна", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}")).GetProperty("name").GetString());

        var unconfirmed = await marketer.PostFormAsync($"/campaigns/{id}/start", new(), tokenFrom: $"/campaigns/{id}");
        Assert.Equal($"/campaigns/{id}?confirm=true#confirm-start", unconfirmed.Headers.Location?.OriginalString);
        Assert.Equal("draft", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}")).GetProperty("status").GetString());
        var asking = WebUtility.HtmlDecode(await marketer.Client.GetStringAsync($"/campaigns/{id}?confirm=true"));
        Assert.Contains("id=\"confirm-start-title\"", asking, StringComparison.Ordinal);

        var started = await marketer.PostFormAsync($"/campaigns/{id}/start", new() { ["confirmed"] = "true" }, tokenFrom: $"/campaigns/{id}");
        Assert.Equal($"/campaigns/{id}", started.Headers.Location?.OriginalString);
        Assert.NotEqual("draft", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}")).GetProperty("status").GetString());

        var late = await marketer.PostFormAsync($"/campaigns/{id}/edit", Form(segment, "Поздно", CampaignData.Promo), tokenFrom: $"/campaigns/{id}");
        Assert.Equal($"/campaigns/{id}", late.Headers.Location?.OriginalString);
        Assert.Equal("Весна", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}")).GetProperty("name").GetString());

        var other = await app.CreateTenantAsync();
        using var stranger = await other.SignInAsync(Role.Marketer);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/campaigns/{id}/edit")).StatusCode);
    }

    [Fact]
    public async Task Unknown_variables_and_a_past_send_time_are_refused_by_the_form_and_the_api_in_the_template_editors_words()
    {
        var tenant = await app.CreateTenantAsync();
        var api = tenant.Api();
        var segment = await CampaignData.SegmentAllAsync(api);
        using var marketer = await tenant.SignInAsync(Role.Marketer);

        var page = WebUtility.HtmlDecode(await (await marketer.PostFormAsync("/campaigns/create",
            Form(segment, "Опечатка", "{{fristName}}, скидка 30%. Отписка: СТОП"), tokenFrom: "/campaigns/new")).Content.ReadAsStringAsync());
        Assert.Contains("id=\"text-error\">В тексте неизвестная переменная: используйте только перечисленные под полем.", page, StringComparison.Ordinal);
        var noOptOut = WebUtility.HtmlDecode(await (await marketer.PostFormAsync("/campaigns/create",
            Form(segment, "Без отписки", "Скидка 30%"), tokenFrom: "/campaigns/new")).Content.ReadAsStringAsync());
        Assert.Contains("Рекламное сообщение должно сообщать, как отписаться (например, «Отписка: СТОП»).", noOptOut, StringComparison.Ordinal);

        var typo = await api.PostAsync("/api/v1/campaigns", CampaignData.Json(new { name = "x", segmentId = segment, purpose = "marketing", text = "{{fristName}} Отписка: СТОП" }));
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Equal("The text uses an unknown variable: use only those listed under the field.",
            (await typo.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("text")[0].GetString());
        var past = await api.PostAsync("/api/v1/campaigns", CampaignData.Json(new
        {
            name = "x", segmentId = segment, purpose = "marketing", text = CampaignData.Promo, sendAt = DateTimeOffset.UtcNow.AddHours(-2),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.True((await past.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("sendAt", out _));
    }

    [Fact]
    public async Task A_refused_test_send_is_a_red_alert_in_the_users_language()
    {
        var tenant = await app.CreateTenantAsync();
        var api = tenant.Api();
        var id = await CampaignData.CampaignAsync(api, await CampaignData.SegmentAllAsync(api));
        using var marketer = await tenant.SignInAsync(Role.Marketer);

        var refused = await marketer.PostFormAsync($"/campaigns/{id}/test", new() { ["phones"] = "hello" }, tokenFrom: $"/campaigns/{id}");
        Assert.Equal($"/campaigns/{id}", refused.Headers.Location?.OriginalString);
        var page = WebUtility.HtmlDecode(await marketer.Client.GetStringAsync($"/campaigns/{id}"));
        var alert = page[page.IndexOf("id=\"flash-error\"", StringComparison.Ordinal)..];
        Assert.Contains("Не номер телефона: hello", alert[..200], StringComparison.Ordinal);
        Assert.Contains("class=\"alert alert-danger", page, StringComparison.Ordinal);
        Assert.DoesNotContain("alert-success", page, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Form(string segmentId, string name, string text) => new()
    {
        ["name"] = name, ["segmentId"] = segmentId, ["purpose"] = "marketing", ["category"] = "promotional", ["text"] = text, ["sendAt"] = "",
    };
}
