using System.Net;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Messaging;

[Collection(AppCollection.Name)]
public sealed class TemplatesUiTests(AppFixture app)
{
    [Fact]
    public async Task Marketing_template_without_opt_out_is_refused_with_the_reason_and_saved_with_one()
    {
        var tenant = await app.CreateTenantAsync();
        var session = await tenant.SignInAsync(Role.Marketer);
        var fields = new Dictionary<string, string>
        {
            ["Name"] = "Семена -30%", ["Purpose"] = "marketing", ["Category"] = "promotional",
            ["Text"] = "{{firstName}}, скидка 30% на семена по коду SNEG23",
        };

        var refused = await session.PostFormAsync("/templates/new", fields, "/templates/new");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Отписка: СТОП", await refused.Content.ReadAsStringAsync());
        Assert.False(await tenant.WithDbAsync(db => db.MessageTemplates.AnyAsync()));

        fields["Text"] += ". Отписка: СТОП";
        var saved = await session.PostFormAsync("/templates/new", fields, "/templates/new");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("Семена -30%", (await tenant.WithDbAsync(db => db.MessageTemplates.SingleAsync())).Name);
    }

    [Fact]
    public async Task The_counter_counts_71_cyrillic_characters_as_two_sms()
    {
        var tenant = await app.CreateTenantAsync();
        var session = await tenant.SignInAsync(Role.Marketer);

        var response = await session.PostFormAsync("/templates/measure", new Dictionary<string, string>
        {
            ["Purpose"] = "transactional", ["Category"] = "transactional", ["Text"] = new string('ж', 71),
        }, "/templates/new");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-segments=\"2\"", html);
        Assert.Contains("data-units=\"71\"", html);
    }

    [Fact]
    public async Task Preview_renders_a_sample_contact_for_those_who_may_see_names_and_made_up_values_for_others()
    {
        var tenant = await app.CreateTenantAsync();
        using (var api = tenant.Api())
        {
            await api.PostAsync("/api/v1/contacts", new StringContent("""{"phone":"+79161112233","firstName":"Вероника"}""",
                System.Text.Encoding.UTF8, "application/json"));
        }

        var form = new Dictionary<string, string> { ["Purpose"] = "transactional", ["Category"] = "transactional", ["Text"] = "Привет, {{firstName}}!" };
        var marketer = await tenant.SignInAsync(Role.Marketer);
        Assert.Contains("Привет, Вероника!", await (await marketer.PostFormAsync("/templates/measure", form, "/templates/new")).Content.ReadAsStringAsync());

        var analyst = await tenant.SignInAsync(Role.Analyst);
        var masked = await (await analyst.PostFormAsync("/templates/measure", form, "/templates")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Вероника", masked);
    }
}
