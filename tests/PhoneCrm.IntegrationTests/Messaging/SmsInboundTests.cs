using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Messaging;

/// <summary>POST /api/v1/sms/inbound: STOP words, «НОВЫЙ», the inbox, unknown senders.</summary>
[Collection(AppCollection.Name)]
public sealed class SmsInboundTests(AppFixture app)
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

    private static async Task<JsonElement> InboundAsync(HttpClient api, string from, string text)
    {
        var response = await api.PostAsJsonAsync("/api/v1/sms/inbound", new { from, to = "PhoneCrm", text, receivedAt = DateTimeOffset.UtcNow });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Theory]
    [InlineData("стоп")]
    [InlineData("Stop!")]
    [InlineData("ОТПИСКА.")]
    [InlineData("  «СТОП»  ")]
    public async Task A_stop_reply_withdraws_consent_suppresses_and_confirms_once(string text)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var phone = SmsTestData.Phone();
        var contactId = await GrantMarketingAsync(api, phone);

        var first = await InboundAsync(api, "8" + phone[2..], text); // any format
        Assert.Equal("stop", first.GetProperty("kind").GetString());
        Assert.Equal(contactId, first.GetProperty("contactId").GetGuid());
        Assert.True(first.GetProperty("suppressed").GetBoolean());
        var again = await InboundAsync(api, phone, text);
        Assert.Equal("stop", again.GetProperty("kind").GetString());

        var state = await tenant.WithDbAsync(db => db.ConsentStates.AsNoTracking()
            .SingleAsync(s => s.ContactId == contactId && s.Purpose == "marketing" && s.Channel == "sms"));
        Assert.Equal(ConsentStatus.Withdrawn, state.Status);
        var withdrawal = await tenant.WithDbAsync(db => db.ConsentRecords.AsNoTracking()
            .Where(r => r.ContactId == contactId && r.Action == ConsentActions.Withdraw).ToListAsync());
        Assert.Equal("sms_reply", Assert.Single(withdrawal).Method);

        var suppression = await tenant.WithDbAsync(db => db.Suppressions.AsNoTracking().ToListAsync());
        Assert.Equal("stop_reply", Assert.Single(suppression).Reason);
        Assert.Equal(SuppressionScopes.Marketing, suppression[0].Scope);

        var confirmations = await tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking()
            .Where(m => m.Kind == SmsKinds.OptOutConfirmation).ToListAsync());
        var confirmation = Assert.Single(confirmations);
        Assert.Equal(contactId, confirmation.ContactId);
        // It really goes out (delivery job or sweeper), exactly once.
        var simulated = await SmsTestData.EventuallyAsync(
            () => tenant.WithDbAsync(db => db.SimulatorMessages.AsNoTracking().CountAsync()), n => n >= 1);
        Assert.Equal(1, simulated);

        var inbox = await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().ToListAsync());
        Assert.Equal(2, inbox.Count);
        Assert.All(inbox, m => Assert.NotNull(m.HandledAt));
    }

    [Fact]
    public async Task A_retried_webhook_with_the_same_payload_is_answered_but_processed_once()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var phone = SmsTestData.Phone();
        var contactId = await GrantMarketingAsync(api, phone);
        var receivedAt = new DateTimeOffset(2026, 11, 29, 3, 15, 42, 123, TimeSpan.Zero).AddTicks(4560);
        var body = new { from = phone, to = "PhoneCrm", text = "СТОП", receivedAt };

        var first = await api.PostAsJsonAsync("/api/v1/sms/inbound", body);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstJson = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(firstJson.GetProperty("duplicate").GetBoolean());
        // The same message again, the sender written differently (still the same number) and the time in another offset.
        var retry = await api.PostAsJsonAsync("/api/v1/sms/inbound",
            new { from = "8" + phone[2..], to = "PhoneCrm", text = "СТОП", receivedAt = receivedAt.ToOffset(TimeSpan.FromHours(3)) });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var retryJson = await retry.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(retryJson.GetProperty("duplicate").GetBoolean());
        Assert.Equal(firstJson.GetProperty("id").GetGuid(), retryJson.GetProperty("id").GetGuid());
        Assert.Equal("stop", retryJson.GetProperty("kind").GetString());
        Assert.Equal(contactId, retryJson.GetProperty("contactId").GetGuid());

        Assert.Equal(1, await tenant.WithDbAsync(db => db.InboundSms.CountAsync()));
        Assert.Equal(1, await tenant.WithDbAsync(db => db.ConsentRecords.CountAsync(r => r.ContactId == contactId && r.Action == ConsentActions.Withdraw)));
        Assert.Equal(1, await tenant.WithDbAsync(db => db.SmsMessages.CountAsync(m => m.Kind == SmsKinds.OptOutConfirmation)));

        // Another text at the same second is another message.
        var other = await InboundAsync(api, phone, "Спасибо");
        Assert.False(other.GetProperty("duplicate").GetBoolean());
        Assert.Equal(2, await tenant.WithDbAsync(db => db.InboundSms.CountAsync()));
    }

    [Fact]
    public async Task Two_concurrent_identical_posts_with_a_provider_message_id_record_one_stop()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        using var api2 = tenant.Api();
        var phone = SmsTestData.Phone();
        var contactId = await GrantMarketingAsync(api, phone);
        // The provider's id decides, even when its retry carries another receive time.
        var responses = await Task.WhenAll(
            api.PostAsJsonAsync("/api/v1/sms/inbound", new { from = phone, text = "Отписаться", providerMessageId = "in-42", receivedAt = DateTimeOffset.UtcNow }),
            api2.PostAsJsonAsync("/api/v1/sms/inbound", new { from = phone, text = "Отписаться", providerMessageId = "in-42", receivedAt = DateTimeOffset.UtcNow.AddSeconds(1) }));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Single(bodies, b => b.GetProperty("duplicate").GetBoolean());
        Assert.Equal(bodies[0].GetProperty("id").GetGuid(), bodies[1].GetProperty("id").GetGuid());

        Assert.Equal(1, await tenant.WithDbAsync(db => db.InboundSms.CountAsync()));
        Assert.Equal(1, await tenant.WithDbAsync(db => db.ConsentRecords.CountAsync(r => r.ContactId == contactId && r.Action == ConsentActions.Withdraw)));
        Assert.Equal(1, await tenant.WithDbAsync(db => db.Suppressions.CountAsync()));
        Assert.Equal(1, await tenant.WithDbAsync(db => db.SmsMessages.CountAsync(m => m.Kind == SmsKinds.OptOutConfirmation)));
        var simulated = await SmsTestData.EventuallyAsync(
            () => tenant.WithDbAsync(db => db.SimulatorMessages.AsNoTracking().CountAsync()), n => n >= 1);
        Assert.Equal(1, simulated);

        // Another tenant's message with the same provider id is its own message.
        var other = await app.CreateTenantAsync();
        using var otherApi = other.Api();
        var otherBody = await (await otherApi.PostAsJsonAsync("/api/v1/sms/inbound", new { from = phone, text = "Отписаться", providerMessageId = "in-42" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(otherBody.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await other.WithDbAsync(db => db.InboundSms.CountAsync()));
    }

    [Fact]
    public async Task A_stop_from_an_unknown_number_still_suppresses_it()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var body = await InboundAsync(api, SmsTestData.Phone(), "UNSUBSCRIBE");
        Assert.Equal("stop", body.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("contactId").ValueKind);
        Assert.Equal(1, await tenant.WithDbAsync(db => db.Suppressions.CountAsync()));
    }

    [Fact]
    public async Task Novyi_from_a_known_contact_starts_the_flow_and_from_an_unknown_number_waits_for_staff()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var phone = SmsTestData.Phone();
        var contactId = await GrantMarketingAsync(api, phone);

        var body = await InboundAsync(api, phone, "НОВЫЙ");
        Assert.Equal("number_change", body.GetProperty("kind").GetString());
        var request = await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleAsync());
        Assert.Equal(InboundKinds.NumberChange, request.Kind);
        Assert.Equal(contactId, request.ContactId);
        Assert.Equal("system", request.HandledBy); // the flow took it (NumberChangeTests)
        Assert.Equal(NumberChangeStatus.AwaitingNumber, (await tenant.WithDbAsync(db => db.NumberChangeRequests.AsNoTracking().SingleAsync())).Status);
        Assert.Equal(0, await tenant.WithDbAsync(db => db.Suppressions.CountAsync()));

        var unknown = SmsTestData.Phone();
        await InboundAsync(api, unknown, "Новый номер");
        var waiting = await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleAsync(m => m.HandledAt == null));
        Assert.Equal(InboundKinds.NumberChange, waiting.Kind);
        Assert.Null(waiting.ContactId);
        Assert.Equal(1, await tenant.WithDbAsync(db => db.NumberChangeRequests.CountAsync()));

        using var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Marketer);
        var page = await session.GetAsync("/inbox?kind=number_change");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Новый номер", html, StringComparison.Ordinal);
        Assert.Contains($"/contacts/{contactId}", html, StringComparison.Ordinal); // the open request's contact
        Assert.Contains("data-status=\"awaiting_number\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_replies_land_in_the_inbox_encrypted_and_can_be_marked_handled()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var unknown = SmsTestData.Phone();
        var body = await InboundAsync(api, unknown, "Когда привезут заказ? Не стоп-кран!");
        Assert.Equal("reply", body.GetProperty("kind").GetString());
        var id = body.GetProperty("id").GetGuid();

        var row = await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleAsync());
        Assert.False(System.Text.Encoding.UTF8.GetString(row.TextCipher).Contains("заказ", StringComparison.Ordinal));
        Assert.Null(row.ContactId);

        using var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Marketer);
        var html = await (await session.GetAsync("/inbox")).Content.ReadAsStringAsync();
        Assert.Contains("Когда привезут заказ?", html, StringComparison.Ordinal);
        var handled = await session.PostFormAsync($"/inbox/{id}/handled", new(), tokenFrom: "/inbox");
        Assert.Equal(HttpStatusCode.Redirect, handled.StatusCode);
        Assert.NotNull((await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleAsync())).HandledAt);
        var after = await (await session.GetAsync("/inbox")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Когда привезут заказ?", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_reply_to_a_person_is_one_transactional_sms_through_the_policy_and_handles_the_message()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var phone = SmsTestData.Phone();
        var contactId = await GrantMarketingAsync(api, phone);
        var id = (await InboundAsync(api, phone, "Когда привезут заказ?")).GetProperty("id").GetGuid();
        using var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Marketer);

        var empty = await session.PostFormAsync($"/inbox/{id}/reply", new() { ["text"] = " " }, tokenFrom: "/inbox");
        Assert.Equal(HttpStatusCode.Redirect, empty.StatusCode);
        Assert.Contains("Введите текст сообщения.", await (await session.GetAsync("/inbox")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A double click sends once: the same text to the same message is the same outbox key.
        for (var i = 0; i < 2; i++)
        {
            var sent = await session.PostFormAsync($"/inbox/{id}/reply", new() { ["text"] = "Завтра до 18:00." }, tokenFrom: "/inbox");
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        }

        var replies = await tenant.WithDbAsync(db => db.SmsMessages.AsNoTracking().Where(m => m.Kind == SmsKinds.Reply).ToListAsync());
        var reply = Assert.Single(replies);
        Assert.Equal(contactId, reply.ContactId);
        Assert.Equal(SmsCategories.Transactional, reply.Category);
        Assert.NotNull((await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleAsync())).HandledAt);
        var audited = await tenant.WithDbAsync(db => db.AuditLog.AsNoTracking().Where(a => a.EntityType == "sms_reply").Select(a => a.EntityIds).ToListAsync());
        Assert.Equal([reply.Id.ToString(), reply.Id.ToString()], audited);

        var other = await app.CreateTenantAsync();
        using var stranger = await other.SignInAsync(PhoneCrm.Domain.Access.Role.Marketer);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostFormAsync($"/inbox/{id}/reply", new() { ["text"] = "Привет" }, tokenFrom: "/inbox")).StatusCode);
    }

    [Fact]
    public async Task Inbound_without_from_is_400()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var response = await api.PostAsJsonAsync("/api/v1/sms/inbound", new { text = "стоп" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("from", out _));
    }

    [Fact]
    public async Task The_simulator_page_injects_a_reply_like_the_webhook()
    {
        var tenant = await app.CreateTenantAsync();
        await tenant.SendAsync(SmsTestData.Sms(SmsTestData.Phone(), "Скидка 10% сегодня"));
        using var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Marketer);
        var page = await (await session.GetAsync("/messaging/simulator")).Content.ReadAsStringAsync();
        Assert.Contains("Скидка 10% сегодня", page, StringComparison.Ordinal);

        var phone = SmsTestData.Phone();
        var response = await session.PostFormAsync("/messaging/simulator/inbound", new() { ["From"] = phone, ["Text"] = "Стоп" },
            tokenFrom: "/messaging/simulator");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(InboundKinds.Stop, (await tenant.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleAsync())).Kind);
        Assert.Equal(1, await tenant.WithDbAsync(db => db.Suppressions.CountAsync()));
    }
}

/// <summary>Admin UI for the tenant's provider settings: secrets stored encrypted and never shown back.</summary>
[Collection(AppCollection.Name)]
public sealed class SmsSettingsUiTests(AppFixture app)
{
    [Fact]
    public async Task An_admin_saves_provider_settings_with_an_encrypted_secret()
    {
        var tenant = await app.CreateTenantAsync();
        using var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Admin);
        var bad = await session.PostFormAsync("/settings/sms", new() { ["Provider"] = "Smsc", ["PricePerSegment"] = "-1" }, tokenFrom: "/settings/sms");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("error-PricePerSegment", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var saved = await session.PostFormAsync("/settings/sms", new()
        {
            ["Provider"] = "Smsc", ["Sender"] = "Flowers", ["PricePerSegment"] = "2,75", ["Login"] = "shop-login", ["Secret"] = "top-secret-psw",
        }, tokenFrom: "/settings/sms");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var row = await tenant.WithDbAsync(db => db.SmsProviderSettings.AsNoTracking().SingleAsync());
        Assert.Equal("Smsc", row.Provider);
        Assert.Equal(2.75m, row.PricePerSegment);
        Assert.DoesNotContain("top-secret-psw", System.Text.Encoding.UTF8.GetString(row.SecretCipher!), StringComparison.Ordinal);
        var html = await (await session.GetAsync("/settings/sms")).Content.ReadAsStringAsync();
        Assert.Contains("secret-saved", html, StringComparison.Ordinal);
        Assert.DoesNotContain("top-secret-psw", html, StringComparison.Ordinal);

        // Saving again without a secret keeps it.
        await session.PostFormAsync("/settings/sms", new() { ["Provider"] = "Smsc", ["PricePerSegment"] = "3" }, tokenFrom: "/settings/sms");
        Assert.NotNull((await tenant.WithDbAsync(db => db.SmsProviderSettings.AsNoTracking().SingleAsync())).SecretCipher);
    }

    [Fact]
    public async Task The_contact_card_lists_messages_both_ways()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var phone = SmsTestData.Phone();
        var created = await api.PostAsJsonAsync("/api/v1/contacts", new { phone });
        var contactId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await tenant.SendAsync(new PhoneCrm.Infrastructure.Messaging.OutgoingSms(contactId, phone, "Ваш заказ в пути", "transactional",
            SmsCategories.Transactional, SmsKinds.Automation, "order-1-shipped"));
        await api.PostAsJsonAsync("/api/v1/sms/inbound", new { from = phone, text = "Спасибо!" });

        using var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Marketer);
        var html = await (await session.GetAsync($"/contacts/{contactId}/messages")).Content.ReadAsStringAsync();
        Assert.Contains("Ваш заказ в пути", html, StringComparison.Ordinal);
        Assert.Contains("Спасибо!", html, StringComparison.Ordinal);
        using var analyst = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Analyst);
        Assert.NotEqual(HttpStatusCode.OK, (await analyst.GetAsync($"/contacts/{contactId}/messages")).StatusCode);
    }
}
