using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Messaging;

/// <summary>«НОВЫЙ»: ask for the number, code to the new number, the code changes the contact's phone.</summary>
[Collection(AppCollection.Name)]
public sealed partial class NumberChangeTests(AppFixture app)
{
    private static async Task<Guid> GrantMarketingAsync(HttpClient api, string phone)
    {
        var response = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone, purpose = "marketing", channel = "sms", legalBasis = "consent", evidence = new { method = "web_form" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contactId").GetGuid();
    }

    private static async Task<JsonElement> InboundAsync(HttpClient api, string from, string text, DateTimeOffset? receivedAt = null)
    {
        var response = await api.PostAsJsonAsync("/api/v1/sms/inbound", new { from, to = "PhoneCrm", text, receivedAt = receivedAt ?? DateTimeOffset.UtcNow });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Texts of the number-change service messages queued to a phone, oldest first.</summary>
    private static Task<List<string>> TextsToAsync(TestTenant tenant, string e164) => tenant.App.InTenantAsync(tenant.Id, async sp =>
    {
        var db = sp.GetRequiredService<PhoneCrmDbContext>();
        var protector = sp.GetRequiredService<PiiProtector>();
        var key = sp.GetRequiredService<BlindIndex>().ForTenant(tenant.Id, BlindIndex.TenantBoundVersion).Phone(e164);
        var rows = await db.SmsMessages.AsNoTracking().Where(m => m.Kind == SmsKinds.NumberChange && m.PhoneIndex == key)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync();
        return rows.Select(m => protector.Decrypt(m.TextCipher, tenant.Id, SmsPii.Text)!).ToList();
    });

    private static Task<NumberChangeRequest> RequestAsync(TestTenant tenant) =>
        tenant.WithDbAsync(db => db.NumberChangeRequests.AsNoTracking().SingleAsync());

    private static async Task<string> PhoneOfAsync(HttpClient api, Guid contactId) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{contactId}")).GetProperty("phone").GetString()!;

    private static string CodeIn(string text) => CodeRegex().Match(text).Value;

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex CodeRegex();

    /// <summary>«НОВЫЙ», then the new number from the old one: returns the code sent to the new number.</summary>
    private static async Task<string> StartAsync(TestTenant tenant, HttpClient api, string oldPhone, string newPhone)
    {
        var started = await InboundAsync(api, oldPhone, "НОВЫЙ");
        Assert.Equal("number_change", started.GetProperty("kind").GetString());
        var ask = Assert.Single(await TextsToAsync(tenant, oldPhone));
        Assert.Contains("новый номер", ask, StringComparison.Ordinal);
        var given = await InboundAsync(api, oldPhone, $"Мой новый номер 8 ({newPhone[2..5]}) {newPhone[5..8]}-{newPhone[8..10]}-{newPhone[10..]}");
        Assert.Equal("number_change", given.GetProperty("kind").GetString());
        return CodeIn(Assert.Single(await TextsToAsync(tenant, newPhone)));
    }

    [Fact]
    public async Task Novyi_asks_once_sends_a_code_to_the_new_number_and_the_code_changes_the_phone()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var oldPhone = SmsTestData.Phone();
        var newPhone = SmsTestData.Phone();
        var contactId = await GrantMarketingAsync(api, oldPhone);

        var started = await InboundAsync(api, oldPhone, "Новый номер");
        Assert.Equal(contactId, started.GetProperty("contactId").GetGuid());
        var request = await RequestAsync(tenant);
        Assert.Equal(NumberChangeStatus.AwaitingNumber, request.Status);
        Assert.Equal(contactId, request.ContactId);
        // «НОВЫЙ» again while the request is open: the same request, no second question.
        await InboundAsync(api, oldPhone, "новый");
        Assert.Single(await TextsToAsync(tenant, oldPhone));
        Assert.Equal(request.Id, (await RequestAsync(tenant)).Id);

        // Text without a number is an ordinary reply; the request keeps waiting.
        var chat = await InboundAsync(api, oldPhone, "А зачем?");
        Assert.Equal("reply", chat.GetProperty("kind").GetString());
        Assert.Equal(NumberChangeStatus.AwaitingNumber, (await RequestAsync(tenant)).Status);

        var numberAt = DateTimeOffset.UtcNow;
        var given = await InboundAsync(api, oldPhone, $"теперь {newPhone}", numberAt);
        Assert.Equal("number_change", given.GetProperty("kind").GetString());
        // The provider retries that webhook: still one code.
        Assert.True((await InboundAsync(api, oldPhone, $"теперь {newPhone}", numberAt)).GetProperty("duplicate").GetBoolean());
        request = await RequestAsync(tenant);
        Assert.Equal(NumberChangeStatus.AwaitingCode, request.Status);
        Assert.NotNull(request.CodeSentAt);
        var codeSms = Assert.Single(await TextsToAsync(tenant, newPhone));
        var code = CodeIn(codeSms);
        Assert.Equal(6, code.Length);
        Assert.DoesNotContain(code, System.Text.Encoding.UTF8.GetString(request.CodeHash!), StringComparison.Ordinal);
        Assert.Equal(oldPhone, await PhoneOfAsync(api, contactId)); // not changed before the new number confirms

        var confirmed = await InboundAsync(api, newPhone, $"Код: {code[..3]} {code[3..]}");
        Assert.Equal("number_change", confirmed.GetProperty("kind").GetString());
        Assert.Equal(contactId, confirmed.GetProperty("contactId").GetGuid());

        request = await RequestAsync(tenant);
        Assert.Equal(NumberChangeStatus.Completed, request.Status);
        Assert.Null(request.Reason);
        Assert.NotNull(request.ClosedAt);
        Assert.Equal(newPhone, await PhoneOfAsync(api, contactId));
        var byNew = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(newPhone)}");
        Assert.Equal(contactId, Assert.Single(byNew.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var byOld = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(oldPhone)}");
        Assert.Empty(byOld.GetProperty("items").EnumerateArray());

        // Consent stays with the contact; the change is audited.
        var state = await tenant.WithDbAsync(db => db.ConsentStates.AsNoTracking().SingleAsync(s => s.ContactId == contactId && s.Purpose == "marketing"));
        Assert.Equal(ConsentStatus.Active, state.Status);
        var audit = await tenant.WithDbAsync(db => db.AuditLog.AsNoTracking()
            .Where(a => a.EntityType == "contact" && a.EntityIds == contactId.ToString() && a.Details!.Contains("phone changed by SMS")).ToListAsync());
        Assert.Contains(request.Id.ToString(), Assert.Single(audit).Details, StringComparison.Ordinal);

        Assert.Equal(2, (await TextsToAsync(tenant, newPhone)).Count); // the code and "номер изменён"
        Assert.Contains("номер изменён", (await TextsToAsync(tenant, newPhone))[1], StringComparison.Ordinal);
        Assert.Single(await TextsToAsync(tenant, oldPhone));
        var flow = await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().Where(m => m.Kind == InboundKinds.NumberChange).ToListAsync());
        Assert.Equal(4, flow.Count); // «Новый номер», «новый», the number, the code (the retry is not a row)
        Assert.All(flow, m => Assert.Equal("system", m.HandledBy));
        Assert.All(flow, m => Assert.Equal(contactId, m.ContactId));

        // The inbox shows the request's history.
        using var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Marketer);
        var html = await (await session.GetAsync("/inbox?kind=number_change&all=true")).Content.ReadAsStringAsync();
        Assert.Contains($"id=\"number-change-{request.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains("data-status=\"completed\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_number_of_another_contact_goes_to_a_person_with_the_reason()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var oldPhone = SmsTestData.Phone();
        var taken = SmsTestData.Phone();
        var contactId = await GrantMarketingAsync(api, oldPhone);
        var otherId = await GrantMarketingAsync(api, taken);

        await InboundAsync(api, oldPhone, "НОВЫЙ");
        var given = await InboundAsync(api, oldPhone, taken);
        Assert.Equal("number_change", given.GetProperty("kind").GetString());

        var request = await RequestAsync(tenant);
        Assert.Equal(NumberChangeStatus.NeedsReview, request.Status);
        Assert.Equal(NumberChangeReasons.PhoneTaken, request.Reason);
        Assert.Empty(await TextsToAsync(tenant, taken)); // no code to another customer's number
        var waiting = await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleAsync(m => m.HandledAt == null));
        Assert.Equal(InboundKinds.NumberChange, waiting.Kind);
        Assert.Equal(contactId, waiting.ContactId);
        Assert.Equal(oldPhone, await PhoneOfAsync(api, contactId));
        Assert.Equal(taken, await PhoneOfAsync(api, otherId));

        using var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Marketer);
        var html = await (await session.GetAsync("/inbox?kind=number_change")).Content.ReadAsStringAsync();
        Assert.Contains("data-status=\"needs_review\"", html, StringComparison.Ordinal);
        Assert.Contains("data-reason=\"phoneTaken\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_number_taken_between_the_code_and_the_reply_is_refused_at_confirmation()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var oldPhone = SmsTestData.Phone();
        var newPhone = SmsTestData.Phone();
        var contactId = await GrantMarketingAsync(api, oldPhone);
        var code = await StartAsync(tenant, api, oldPhone, newPhone);
        var created = await api.PostAsJsonAsync("/api/v1/contacts", new { phone = newPhone });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var reply = await InboundAsync(api, newPhone, code);
        Assert.Equal("number_change", reply.GetProperty("kind").GetString());
        var request = await RequestAsync(tenant);
        Assert.Equal(NumberChangeStatus.NeedsReview, request.Status);
        Assert.Equal(NumberChangeReasons.PhoneTaken, request.Reason);
        Assert.Equal(oldPhone, await PhoneOfAsync(api, contactId));
        var waiting = await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleAsync(m => m.HandledAt == null));
        Assert.Equal(contactId, waiting.ContactId);
        Assert.Single(await TextsToAsync(tenant, newPhone)); // only the code
    }

    [Fact]
    public async Task Three_wrong_codes_fail_the_request_and_the_right_one_then_changes_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var oldPhone = SmsTestData.Phone();
        var newPhone = SmsTestData.Phone();
        var contactId = await GrantMarketingAsync(api, oldPhone);
        var code = await StartAsync(tenant, api, oldPhone, newPhone);
        var wrong = code == "000000" ? "111111" : "000000";

        await InboundAsync(api, newPhone, wrong);
        var request = await RequestAsync(tenant);
        Assert.Equal(NumberChangeStatus.AwaitingCode, request.Status);
        Assert.Equal(1, request.CodeAttempts);
        Assert.Contains("Осталось попыток: 2", (await TextsToAsync(tenant, newPhone))[1], StringComparison.Ordinal);
        await InboundAsync(api, newPhone, wrong);
        await InboundAsync(api, newPhone, wrong);
        request = await RequestAsync(tenant);
        Assert.Equal(NumberChangeStatus.Failed, request.Status);
        Assert.Equal(NumberChangeReasons.TooManyAttempts, request.Reason);
        Assert.Equal(3, request.CodeAttempts);
        Assert.Equal(4, (await TextsToAsync(tenant, newPhone)).Count); // the code and three answers

        var late = await InboundAsync(api, newPhone, code);
        Assert.Equal("reply", late.GetProperty("kind").GetString());
        Assert.Equal(oldPhone, await PhoneOfAsync(api, contactId));
    }

    [Fact]
    public async Task Two_novyi_at_the_same_instant_open_one_request_and_ask_once()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var oldPhone = SmsTestData.Phone();
        await GrantMarketingAsync(api, oldPhone);

        // Two different messages (not a provider's retry) from the same phone, posted together.
        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            using var client = tenant.Api();
            var response = await client.PostAsJsonAsync("/api/v1/sms/inbound",
                new { from = oldPhone, to = "PhoneCrm", text = "НОВЫЙ", receivedAt = DateTimeOffset.UtcNow.AddSeconds(i), providerMessageId = $"mo-{i}" });
            return response.StatusCode;
        }));

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r));
        Assert.Equal(NumberChangeStatus.AwaitingNumber, (await RequestAsync(tenant)).Status);
        Assert.Single(await TextsToAsync(tenant, oldPhone));
    }

    [Fact]
    public async Task An_expired_code_closes_the_request_without_changing_the_phone()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var oldPhone = SmsTestData.Phone();
        var newPhone = SmsTestData.Phone();
        var contactId = await GrantMarketingAsync(api, oldPhone);
        var code = await StartAsync(tenant, api, oldPhone, newPhone);
        await tenant.WithDbAsync(db => db.NumberChangeRequests.ExecuteUpdateAsync(u => u.SetProperty(r => r.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));

        var reply = await InboundAsync(api, newPhone, code);
        Assert.Equal("number_change", reply.GetProperty("kind").GetString());
        var request = await RequestAsync(tenant);
        Assert.Equal(NumberChangeStatus.Expired, request.Status);
        Assert.Equal(NumberChangeReasons.CodeExpired, request.Reason);
        Assert.Equal(oldPhone, await PhoneOfAsync(api, contactId));
        Assert.Contains("срок действия кода истёк", (await TextsToAsync(tenant, newPhone))[1], StringComparison.Ordinal);

        // A fresh «НОВЫЙ» opens a new request.
        await InboundAsync(api, oldPhone, "НОВЫЙ");
        Assert.Equal(2, await tenant.WithDbAsync(db => db.NumberChangeRequests.CountAsync()));
        Assert.Equal(2, (await TextsToAsync(tenant, oldPhone)).Count);
    }
}
