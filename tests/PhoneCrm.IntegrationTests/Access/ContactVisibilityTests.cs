using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Access;

/// <summary>
/// Scoping gaps of issue 12 item 9: several roles read exactly the union of what each reads; an Analyst sees no free-form
/// attributes or source details; a SalesManager's inbox holds only their own contacts' replies.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ContactVisibilityTests(AppFixture app)
{
    [Fact]
    public async Task A_sales_manager_who_is_also_an_analyst_sees_the_base_masked_and_only_own_contacts_in_full()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var own = await CreateAsync(api, new { phone = "+79162220001", firstName = "Свой" });
        var other = await CreateAsync(api, new { phone = "+79162220002", firstName = "Чужой" });
        var user = await tenant.AddUserAsync(Role.SalesManager, Role.Analyst);
        await OwnAsync(tenant, own, user.Id);
        using var session = app.Session();
        await session.SignInAsync(user);

        var list = await Html(session, "/contacts");
        Assert.Contains("+7 (916) 222-00-01", list, StringComparison.Ordinal);
        Assert.Contains("Свой", list, StringComparison.Ordinal);
        Assert.DoesNotContain("+7 (916) 222-00-02", list, StringComparison.Ordinal); // the other row is there, masked
        Assert.DoesNotContain("Чужой", list, StringComparison.Ordinal);

        var otherCard = await Html(session, $"/contacts/{other}");
        Assert.DoesNotContain("Чужой", otherCard, StringComparison.Ordinal);
        Assert.DoesNotContain("222-00-02", otherCard, StringComparison.Ordinal);
        Assert.Contains("Свой", await Html(session, $"/contacts/{own}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await session.GetAsync($"/contacts/{other}/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync($"/contacts/{own}/messages")).StatusCode);

        // A search by a number would confirm that someone is in the base: it finds only contacts seen in full.
        var search = await Html(session, "/contacts?q=" + Uri.EscapeDataString("8 916 222-00-02"));
        Assert.Contains("id=\"no-contacts\"", search, StringComparison.Ordinal);
        Assert.Contains("Свой", await Html(session, "/contacts?q=" + Uri.EscapeDataString("8 916 222-00-01")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_analyst_sees_no_free_form_attributes_or_source_details()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var id = await CreateAsync(api, new
        {
            phone = "+79162220003", source = new { channel = "store", detail = "Магазин на Тверской, кассир Ольга" },
            attributes = new { loyaltyCard = "LC-778899", note = "любит тюльпаны" },
        });
        using var analyst = await tenant.SignInAsync(Role.Analyst);
        using var marketer = await tenant.SignInAsync(Role.Marketer);

        var card = await Html(analyst, $"/contacts/{id}");
        Assert.DoesNotContain("Тверской", card, StringComparison.Ordinal);
        Assert.DoesNotContain("LC-778899", card, StringComparison.Ordinal);
        Assert.DoesNotContain("тюльпаны", card, StringComparison.Ordinal);
        var full = await Html(marketer, $"/contacts/{id}");
        Assert.Contains("Тверской", full, StringComparison.Ordinal);
        Assert.Contains("LC-778899", full, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sales_managers_inbox_holds_only_replies_from_their_own_contacts()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var own = await CreateAsync(api, new { phone = "+79162220004" });
        var otherContact = await CreateAsync(api, new { phone = "+79162220005" });
        var manager = await tenant.AddUserAsync(Role.SalesManager);
        await OwnAsync(tenant, own, manager.Id);
        await InboundAsync(api, "+79162220004", "Когда доставка заказа?");
        await InboundAsync(api, "+79162220005", "Верните деньги за заказ");
        var foreign = await tenant.WithDbAsync(db => db.InboundSms.Where(m => m.ContactId == otherContact).Select(m => m.Id).SingleAsync());
        await InboundAsync(api, "+79990001122", "Кто это?");

        using var session = app.Session();
        await session.SignInAsync(manager);
        var inbox = await Html(session, "/inbox?all=true");
        Assert.Contains("Когда доставка заказа?", inbox, StringComparison.Ordinal);
        Assert.DoesNotContain("Верните деньги", inbox, StringComparison.Ordinal);
        Assert.DoesNotContain("Кто это?", inbox, StringComparison.Ordinal);
        var handled = await session.PostFormAsync($"/inbox/{foreign}/handled", [], tokenFrom: "/inbox");
        Assert.Equal(HttpStatusCode.NotFound, handled.StatusCode);

        using var marketer = await tenant.SignInAsync(Role.Marketer);
        var all = await Html(marketer, "/inbox?all=true");
        Assert.Contains("Верните деньги", all, StringComparison.Ordinal);
        Assert.Contains("Кто это?", all, StringComparison.Ordinal);
    }

    private static async Task<Guid> CreateAsync(HttpClient api, object body)
    {
        var response = await api.PostAsJsonAsync("/api/v1/contacts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static Task<int> OwnAsync(TestTenant tenant, Guid contactId, Guid ownerId) => tenant.WithDbAsync(async db =>
    {
        var c = await db.Contacts.SingleAsync(x => x.Id == contactId);
        c.OwnerId = ownerId;
        return await db.SaveChangesAsync();
    });

    private static async Task InboundAsync(HttpClient api, string from, string text)
    {
        var response = await api.PostAsJsonAsync("/api/v1/sms/inbound", new { from, to = "PhoneCrm", text, receivedAt = DateTimeOffset.UtcNow });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<string> Html(UiSession session, string path) =>
        WebUtility.HtmlDecode(await session.Client.GetStringAsync(path));
}
