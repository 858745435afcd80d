using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Campaigns;

/// <summary>The Campaigns and Sending settings sections of api-v1.md, through the one send policy.</summary>
[Collection(AppCollection.Name)]
public sealed class CampaignsApiTests(AppFixture app)
{
    [Fact]
    public async Task Every_consent_state_yields_an_outbox_of_only_the_consented_with_exact_skip_counts()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);

        // 3 active marketing consents
        for (var i = 1; i <= 3; i++) await GrantAsync(api, Phone(i));
        // withdrawn
        await GrantAsync(api, Phone(4));
        await WithdrawAsync(api, Phone(4));
        // expired (the term ran out)
        await GrantAsync(api, Phone(5));
        var expiredId = await ContactAsync(api, Phone(5));
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE consent_states SET expires_at = now() - interval '1 day' WHERE contact_id = {Guid.Parse(expiredId)}"));
        // never asked; only transactional (another purpose)
        await ContactAsync(api, Phone(6));
        await GrantAsync(api, Phone(7), "transactional", "contract");
        // consented but suppressed (erasure/hygiene tombstone by phone index)
        await GrantAsync(api, Phone(8));
        var suppressedId = Guid.Parse(await ContactAsync(api, Phone(8)));
        await tenant.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO suppressions (tenant_id, phone_index, scope, reason, created_at)
            SELECT tenant_id, phone_index, 'marketing', 'staff', now() FROM contacts WHERE id = {suppressedId}
            """));
        // consented landline: cannot receive SMS
        await GrantAsync(api, "+74951234567");

        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api));
        await StartAsync(api, campaignId);
        var campaign = await WaitAsync(api, campaignId);
        var stats = campaign.GetProperty("stats");
        Assert.Equal(9, stats.GetProperty("audience").GetInt32());
        Assert.Equal(3, stats.GetProperty("sent").GetInt32());
        Assert.Equal(0, stats.GetProperty("deferred").GetInt32());
        var skipped = stats.GetProperty("skipped");
        Assert.Equal((4, 1, 0, 1, 0), (skipped.GetProperty("noConsent").GetInt32(), skipped.GetProperty("suppressed").GetInt32(),
            skipped.GetProperty("frequencyCap").GetInt32(), skipped.GetProperty("invalidPhone").GetInt32(), skipped.GetProperty("erased").GetInt32()));

        var outbox = await WaitForOutboxAsync(api, campaignId, 3);
        Assert.Equal(new[] { Phone(1), Phone(2), Phone(3) }, outbox.Select(m => m.GetProperty("phone").GetString()!).Order().ToArray());

        var recipients = await RecipientsAsync(api, campaignId, "skipped");
        Assert.Equal(6, recipients.Count);
        Assert.Equal("suppressed", recipients.Single(r => r.GetProperty("phone").GetString() == Phone(8)).GetProperty("reason").GetString());
        Assert.Equal("invalidPhone", recipients.Single(r => r.GetProperty("phone").GetString() == "+74951234567").GetProperty("reason").GetString());
        Assert.All(recipients.Where(r => r.GetProperty("phone").GetString() is var p && p != Phone(8) && p != "+74951234567"),
            r => Assert.Equal("noConsent", r.GetProperty("reason").GetString()));
        var sent = await RecipientsAsync(api, campaignId, "sent");
        Assert.Equal(3, sent.Count);
        Assert.All(sent, r => Assert.Equal(JsonValueKind.String, r.GetProperty("messageId").ValueKind));
    }

    [Fact]
    public async Task Third_marketing_message_on_one_day_is_skipped_with_frequencyCap()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api, perDay: 2, informationalPerWeek: 10, promotionalPerMonth: 10);
        await GrantAsync(api, Phone(1));
        var segment = await SegmentAllAsync(api);
        for (var i = 0; i < 2; i++)
        {
            var id = await CampaignAsync(api, segment);
            await StartAsync(api, id);
            Assert.Equal(1, (await WaitAsync(api, id)).GetProperty("stats").GetProperty("sent").GetInt32());
        }

        var third = await CampaignAsync(api, segment);
        await StartAsync(api, third);
        var stats = (await WaitAsync(api, third)).GetProperty("stats");
        Assert.Equal(0, stats.GetProperty("sent").GetInt32());
        Assert.Equal(1, stats.GetProperty("skipped").GetProperty("frequencyCap").GetInt32());
        Assert.Equal("frequencyCap", (await RecipientsAsync(api, third, "skipped")).Single().GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Recipient_in_Vladivostok_outside_the_window_is_deferred_with_quietHours_to_the_next_window_start()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        // Make "now" fall outside the window in Vladivostok: the window opens at the next full hour local and lasts one hour.
        var vladivostok = TimeZoneInfo.FindSystemTimeZoneById("Asia/Vladivostok");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, vladivostok);
        var opens = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset).AddHours(1);
        if (opens - local < TimeSpan.FromMinutes(1)) opens = opens.AddHours(1); // not at the edge
        await OpenWindowAsync(api, from: opens.ToString("HH:mm", CultureInfo.InvariantCulture), to: opens.AddHours(1).ToString("HH:mm", CultureInfo.InvariantCulture));
        await GrantAsync(api, Phone(1));
        await ContactAsync(api, Phone(1), "Иван", "Владивосток");
        var contact = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(Phone(1))}");
        Assert.Equal("Asia/Vladivostok", contact.GetProperty("items")[0].GetProperty("timeZone").GetString());

        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api));
        await StartAsync(api, campaignId);
        var campaign = await WaitAsync(api, campaignId, allowDeferred: true);
        Assert.Equal("sending", campaign.GetProperty("status").GetString());
        Assert.Equal((1, 0), (campaign.GetProperty("stats").GetProperty("deferred").GetInt32(), campaign.GetProperty("stats").GetProperty("sent").GetInt32()));
        var deferred = (await RecipientsAsync(api, campaignId, "deferred")).Single();
        Assert.Equal("quietHours", deferred.GetProperty("reason").GetString());
        Assert.Equal(opens.ToUniversalTime(), deferred.GetProperty("deferredUntil").GetDateTimeOffset());
        Assert.Empty(await OutboxAsync(api, campaignId));
    }

    [Fact]
    public async Task Marketing_text_without_an_opt_out_instruction_is_400_on_text()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var segment = await SegmentAllAsync(api);
        var response = await api.PostAsync("/api/v1/campaigns",
            Json(new { name = "Без отписки", segmentId = segment, purpose = "marketing", text = "Скидка 30% на семена!" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("text", out _));
        Assert.False(problem.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    public async Task Cyrillic_text_over_70_characters_takes_two_segments(int length, int segments)
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        const string optOut = " Отписка: СТОП";
        var text = new string('ж', length - optOut.Length) + optOut;
        Assert.Equal(length, text.Length);
        var response = await api.PostAsync("/api/v1/campaigns",
            Json(new { name = "Длина", segmentId = await SegmentAllAsync(api), purpose = "marketing", text }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("draft", body.GetProperty("status").GetString());
        Assert.Equal(segments, body.GetProperty("segmentsPerMessage").GetInt32());
    }

    [Fact]
    public async Task Validation_errors_are_keyed_by_field_and_unknown_ids_are_404()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var response = await api.PostAsync("/api/v1/campaigns", Json(new
        {
            name = "", segmentId = Guid.NewGuid(), purpose = "nope", text = Promo, category = "loud",
            abTest = new { variantB = "Без отписки", testPercent = 90, decideAfterMinutes = 0 },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var key in new[] { "name", "segmentId", "purpose", "category", "abTest.variantB", "abTest.testPercent", "abTest.decideAfterMinutes" })
            Assert.True(errors.TryGetProperty(key, out _), key);

        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/campaigns/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/v1/campaigns/{Guid.NewGuid()}/start", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/campaigns/{Guid.NewGuid()}/recipients")).StatusCode);

        // Another tenant's campaign is 404 too.
        var other = await app.CreateTenantAsync();
        using var otherApi = other.Api();
        var theirs = await CampaignAsync(otherApi, await SegmentAllAsync(otherApi));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/campaigns/{theirs}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/v1/campaigns/{theirs}/start", null)).StatusCode);
    }

    [Fact]
    public async Task Sending_settings_round_trip_and_invalid_values_are_400_by_field()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var defaults = await api.GetFromJsonAsync<JsonElement>("/api/v1/settings/sending");
        Assert.Equal("09:00", defaults.GetProperty("marketingWindow").GetProperty("from").GetString());
        Assert.Equal("21:00", defaults.GetProperty("marketingWindow").GetProperty("to").GetString());
        Assert.Equal(7, defaults.GetProperty("marketingWindow").GetProperty("days").GetArrayLength());
        Assert.Equal((2, 2, 2), (defaults.GetProperty("caps").GetProperty("perDay").GetInt32(),
            defaults.GetProperty("caps").GetProperty("informationalPerWeek").GetInt32(), defaults.GetProperty("caps").GetProperty("promotionalPerMonth").GetInt32()));

        var put = await api.PutAsync("/api/v1/settings/sending", Json("""
            {"timeZone":"Asia/Yekaterinburg","marketingWindow":{"from":"21:00","to":"09:00","days":["sat","mon"]},
             "caps":{"perDay":3,"informationalPerWeek":4,"promotionalPerMonth":5}}
            """));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var saved = await api.GetFromJsonAsync<JsonElement>("/api/v1/settings/sending");
        Assert.Equal("Asia/Yekaterinburg", saved.GetProperty("timeZone").GetString());
        Assert.Equal("21:00", saved.GetProperty("marketingWindow").GetProperty("from").GetString());
        Assert.Equal(new[] { "mon", "sat" }, saved.GetProperty("marketingWindow").GetProperty("days").EnumerateArray().Select(d => d.GetString()!).ToArray());
        Assert.Equal(5, saved.GetProperty("caps").GetProperty("promotionalPerMonth").GetInt32());

        var bad = await api.PutAsync("/api/v1/settings/sending", Json("""
            {"timeZone":"Mars/Olympus","marketingWindow":{"from":"25:00","to":"9","days":["someday"]},
             "caps":{"perDay":-1,"informationalPerWeek":2,"promotionalPerMonth":null}}
            """));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var key in new[] { "timeZone", "marketingWindow.from", "marketingWindow.to", "marketingWindow.days", "caps.perDay", "caps.promotionalPerMonth" })
            Assert.True(errors.TryGetProperty(key, out _), key);
        Assert.False(errors.TryGetProperty("caps.informationalPerWeek", out _));
    }

    [Fact]
    public async Task Links_are_shortened_per_recipient_and_a_click_redirects_with_utm_tags_and_counts()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api);
        await GrantAsync(api, Phone(1));
        await GrantAsync(api, Phone(2));
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api), "Семена -30%: https://shop.example/seeds?x=1 Отписка: СТОП");
        await StartAsync(api, campaignId);
        await WaitAsync(api, campaignId);
        var outbox = await WaitForOutboxAsync(api, campaignId, 2);
        var links = outbox.Select(m => System.Text.RegularExpressions.Regex.Match(m.GetProperty("text").GetString()!, @"/r/(\w+)").Groups[1].Value).ToList();
        Assert.All(links, l => Assert.Equal(10, l.Length));
        Assert.NotEqual(links[0], links[1]);

        using var anonymous = app.Client();
        var redirect = await anonymous.GetAsync($"/r/{links[0]}");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var target = redirect.Headers.Location!.ToString();
        Assert.StartsWith("https://shop.example/seeds?x=1&", target, StringComparison.Ordinal);
        Assert.Contains("utm_source=sms", target, StringComparison.Ordinal);
        Assert.Contains("utm_medium=sms", target, StringComparison.Ordinal);
        Assert.Contains("utm_campaign=", target, StringComparison.Ordinal);
        await anonymous.GetAsync($"/r/{links[0]}");
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/r/nosuchcode1")).StatusCode);

        var stats = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}")).GetProperty("stats");
        Assert.Equal(1, stats.GetProperty("clicks").GetInt32());
    }

    [Fact]
    public async Task Test_send_goes_through_the_policy_and_does_not_start_the_campaign()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await GrantAsync(api, Phone(1));
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api));
        var response = await api.PostAsync($"/api/v1/campaigns/{campaignId}/test", Json(new { phones = new[] { "+79260000001", "8 926 000-00-02", "+74951234567" } }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(new[] { "sent", "sent" }, items.Take(2).Select(i => i.GetProperty("outcome").GetString()!).ToArray());
        Assert.Equal("+79260000002", items[1].GetProperty("phone").GetString());
        Assert.Equal(("skipped", "invalidPhone"), (items[2].GetProperty("outcome").GetString(), items[2].GetProperty("reason").GetString()));
        var outbox = await WaitForOutboxAsync(api, campaignId, 2);
        Assert.All(outbox, m => Assert.StartsWith("Иван, скидка", m.GetProperty("text").GetString(), StringComparison.Ordinal));
        var c = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}");
        Assert.Equal("draft", c.GetProperty("status").GetString());

        var tooMany = await api.PostAsync($"/api/v1/campaigns/{campaignId}/test", Json(new { phones = Enumerable.Range(1, 6).Select(Phone).ToArray() }));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [Fact]
    public async Task Texts_are_rendered_per_recipient_with_a_fallback_and_each_gets_one_message()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api);
        await GrantAsync(api, Phone(1));
        await ContactAsync(api, Phone(1), "Мария");
        await GrantAsync(api, Phone(2));
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api));
        await StartAsync(api, campaignId);
        await WaitAsync(api, campaignId);
        var outbox = await WaitForOutboxAsync(api, campaignId, 2);
        Assert.Equal("Мария, скидка 30% на семена. Отписка: СТОП", outbox.Single(m => m.GetProperty("phone").GetString() == Phone(1)).GetProperty("text").GetString());
        Assert.Equal("Клиент, скидка 30% на семена. Отписка: СТОП", outbox.Single(m => m.GetProperty("phone").GetString() == Phone(2)).GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync($"/api/v1/campaigns/{campaignId}/start", null)).StatusCode);
    }

    [Fact]
    public async Task AB_test_sends_both_variants_to_the_test_share_and_the_winner_by_clicks_to_the_rest()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);
        for (var i = 1; i <= 6; i++) await GrantAsync(api, Phone(i));
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api), "A: https://shop.example/a Отписка: СТОП",
            extra: new { abTest = new { variantB = "B: https://shop.example/b Отписка: СТОП", testPercent = 50, decideAfterMinutes = 1 } });
        await StartAsync(api, campaignId);
        var outbox = await WaitForOutboxAsync(api, campaignId, 3);
        Assert.Equal(3, outbox.Count);
        Assert.Equal(3, (await RecipientsAsync(api, campaignId, "held")).Count);
        var b = outbox.Where(m => m.GetProperty("text").GetString()!.StartsWith("B:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(b);
        Assert.Contains(outbox, m => m.GetProperty("text").GetString()!.StartsWith("A:", StringComparison.Ordinal));
        using var anonymous = app.Client();
        foreach (var m in b)
        {
            var code = System.Text.RegularExpressions.Regex.Match(m.GetProperty("text").GetString()!, @"/r/(\w+)").Groups[1].Value;
            Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync($"/r/{code}")).StatusCode);
        }

        var done = await WaitAsync(api, campaignId, minutes: 3);
        Assert.Equal("b", done.GetProperty("abTest").GetProperty("winner").GetString());
        Assert.Equal(6, done.GetProperty("stats").GetProperty("sent").GetInt32());
        var all = await WaitForOutboxAsync(api, campaignId, 6);
        Assert.Equal(3 + b.Count, all.Count(m => m.GetProperty("text").GetString()!.StartsWith("B:", StringComparison.Ordinal)));
    }

    public static async Task<List<JsonElement>> WaitForOutboxAsync(HttpClient api, string campaignId, int expected, int minutes = 2)
    {
        var deadline = DateTime.UtcNow.AddMinutes(minutes);
        while (true)
        {
            var items = await OutboxAsync(api, campaignId);
            if (items.Count >= expected) return items;
            Assert.True(DateTime.UtcNow < deadline, $"outbox has {items.Count} of {expected}");
            await Task.Delay(200);
        }
    }
}
