using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Infrastructure.Messaging.Automations;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Messaging;

/// <summary>Triggered messages end to end: event → run → send policy → simulator, with cancellation and no double sends.</summary>
[Collection(AppCollection.Name)]
public sealed class AutomationTests(AppFixture app)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Now(double minutesFromNow = 0) => DateTimeOffset.UtcNow.AddMinutes(minutesFromNow).ToString("O");

    private async Task<TestTenant> TenantAsync()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        // Tests run at any hour: a round-the-clock window keeps quiet hours out of the cases that are not about them.
        var window = await api.PutAsync("/api/v1/settings/sending", Json("""
            {"timeZone":"Europe/Moscow","marketingWindow":{"from":"00:00","to":"00:00","days":["mon","tue","wed","thu","fri","sat","sun"]},
             "caps":{"perDay":10,"informationalPerWeek":10,"promotionalPerMonth":10}}
            """));
        Assert.Equal(HttpStatusCode.OK, window.StatusCode);
        return tenant;
    }

    private Task EnableAsync(TestTenant tenant, string kind, int? delayMinutes = null, string? category = null, string? promo = null) =>
        app.InTenantAsync(tenant.Id, async sp =>
        {
            var settings = sp.GetRequiredService<AutomationSettings>();
            var current = (await settings.GetAsync(kind, CancellationToken.None))!;
            var (saved, errors) = await settings.SaveAsync(kind, new AutomationInput(true, current.Text, current.FollowUpText,
                delayMinutes ?? current.DelayMinutes, category, promo), CancellationToken.None);
            Assert.True(errors.IsValid, errors.ToString());
            return saved;
        });

    /// <summary>Runs the worker for the tenant until the condition holds (the background worker may hold the lock for a moment).</summary>
    private async Task DrainUntilAsync(TestTenant tenant, Func<Task<bool>> done)
    {
        var worker = app.Factory.Services.GetRequiredService<AutomationWorker>();
        for (var i = 0; i < 100; i++)
        {
            await worker.RunTenantAsync(tenant.Id, CancellationToken.None);
            if (await done()) return;
            await Task.Delay(100);
        }

        Assert.Fail("The automation did not reach the expected state.");
    }

    private static Task<List<AutomationRun>> RunsAsync(TestTenant tenant) =>
        tenant.WithDbAsync(db => db.AutomationRuns.AsNoTracking().OrderBy(r => r.DueAt).ThenBy(r => r.Step).ToListAsync());

    private static async Task<JsonElement[]> OutboxAsync(TestTenant tenant, string phone)
    {
        using var api = tenant.Api();
        var body = await api.GetFromJsonAsync<JsonElement>($"/api/v1/sms/outbox?phone={Uri.EscapeDataString(phone)}");
        return body.GetProperty("items").EnumerateArray().ToArray();
    }

    private static async Task GrantMarketingAsync(HttpClient api, string phone)
    {
        var response = await api.PostAsync("/api/v1/consents", Json($$$"""
            {"phone":"{{{phone}}}","purpose":"marketing","channel":"sms","legalBasis":"consent",
             "evidence":{"method":"web_form","capturedAt":"{{{Now(-60)}}}","ip":"203.0.113.5","userAgent":"test","sourceUrl":"https://shop.example/"}}
            """));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Order_confirmation_goes_out_once_on_the_contract_basis()
    {
        var tenant = await TenantAsync();
        await EnableAsync(tenant, AutomationKind.OrderConfirmation);
        using var api = tenant.Api();
        var placed = await api.PostAsync("/api/v1/events", Json($$$"""
            {"type":"order_placed","externalId":"ord-77-placed","phone":"8 (916) 700-00-01","occurredAt":"{{{Now()}}}",
             "data":{"orderId":"77","amount":1490.50,"currency":"RUB","items":[{"sku":"A","name":"Семена","category":"garden","price":1490.50,"quantity":1}]}}
            """));
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);

        await DrainUntilAsync(tenant, async () => (await RunsAsync(tenant)).Any(r => r.Status == AutomationRunStatus.Sent));
        var worker = app.Factory.Services.GetRequiredService<AutomationWorker>();
        await worker.RunTenantAsync(tenant.Id, CancellationToken.None); // a second pass sends nothing more

        var message = Assert.Single(await OutboxAsync(tenant, "+79167000001"));
        Assert.Contains("№77", message.GetProperty("text").GetString());
        Assert.Contains("1490.5", message.GetProperty("text").GetString());
        var basis = await tenant.WithDbAsync(db => db.ConsentRecords.AsNoTracking().SingleAsync());
        Assert.Equal(("transactional", "contract"), (basis.Purpose, basis.LegalBasis));
    }

    [Fact]
    public async Task Abandoned_cart_sends_once_and_the_offer_is_cancelled_when_the_cart_is_recovered()
    {
        var tenant = await TenantAsync();
        await EnableAsync(tenant, AutomationKind.CartAbandoned, delayMinutes: 0, promo: "BACK10");
        using var api = tenant.Api();
        const string phone = "+79167000002";
        await GrantMarketingAsync(api, phone);
        await api.PostAsync("/api/v1/events", Json($$$"""
            {"type":"cart_abandoned","externalId":"cart-1","phone":"{{{phone}}}","occurredAt":"{{{Now(-1)}}}",
             "data":{"cartUrl":"https://shop.example/cart/1"}}
            """));
        await DrainUntilAsync(tenant, async () => (await RunsAsync(tenant)).Any(r => r.Status == AutomationRunStatus.Sent));
        var runs = await RunsAsync(tenant);
        Assert.Equal([AutomationRunStatus.Sent, AutomationRunStatus.Pending], runs.Select(r => r.Status));
        // The cart's address goes out as a tracked short link that leads there.
        var text = Assert.Single(await OutboxAsync(tenant, phone)).GetProperty("text").GetString()!;
        var code = System.Text.RegularExpressions.Regex.Match(text, @"/r/(\w+)").Groups[1].Value;
        using (var anonymous = app.Client())
        {
            var redirect = await anonymous.GetAsync($"/r/{code}");
            Assert.StartsWith("https://shop.example/cart/1?", redirect.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        await api.PostAsync("/api/v1/events", Json($$$"""
            {"type":"cart_recovered","externalId":"cart-1-recovered","phone":"{{{phone}}}","occurredAt":"{{{Now()}}}","data":{}}
            """));
        // A day passes: the follow-up falls due.
        await tenant.WithDbAsync(db => db.AutomationRuns.Where(r => r.Step == 2).ExecuteUpdateAsync(s => s.SetProperty(r => r.DueAt, DateTimeOffset.UtcNow)));
        await DrainUntilAsync(tenant, async () => (await RunsAsync(tenant)).All(r => r.Status != AutomationRunStatus.Pending));

        var followUp = (await RunsAsync(tenant)).Single(r => r.Step == 2);
        Assert.Equal((AutomationRunStatus.Cancelled, "recovered"), (followUp.Status, followUp.Reason));
        Assert.Single(await OutboxAsync(tenant, phone));
    }

    [Fact]
    public async Task Marketing_automation_without_consent_is_skipped_with_the_reason()
    {
        var tenant = await TenantAsync();
        await EnableAsync(tenant, AutomationKind.CartAbandoned, delayMinutes: 0);
        using var api = tenant.Api();
        await api.PostAsync("/api/v1/events", Json($$$"""
            {"type":"cart_abandoned","externalId":"cart-2","phone":"+79167000003","occurredAt":"{{{Now(-1)}}}","data":{}}
            """));

        await DrainUntilAsync(tenant, async () => (await RunsAsync(tenant)).Any(r => r.Status == AutomationRunStatus.Skipped));
        Assert.Equal("noConsent", (await RunsAsync(tenant)).First(r => r.Step == 1).Reason);
        Assert.Empty(await OutboxAsync(tenant, "+79167000003"));
    }

    [Fact]
    public async Task Imported_history_schedules_nothing_and_disabled_automations_schedule_nothing()
    {
        var tenant = await TenantAsync();
        await EnableAsync(tenant, AutomationKind.OrderConfirmation);
        using var api = tenant.Api();
        await api.PostAsync("/api/v1/events", Json($$$"""
            {"type":"order_placed","externalId":"old-1","phone":"+79167000004","occurredAt":"{{{Now(-60 * 24 * 40)}}}","data":{"orderId":"1","amount":10}}
            """));
        await api.PostAsync("/api/v1/events", Json($$$"""
            {"type":"order_shipped","externalId":"ship-1","phone":"+79167000004","occurredAt":"{{{Now()}}}","data":{"orderId":"1"}}
            """));

        var worker = app.Factory.Services.GetRequiredService<AutomationWorker>();
        await worker.RunTenantAsync(tenant.Id, CancellationToken.None);
        await worker.RunTenantAsync(tenant.Id, CancellationToken.None);

        Assert.Empty(await RunsAsync(tenant));
        Assert.Empty(await OutboxAsync(tenant, "+79167000004"));
    }

    [Fact]
    public async Task The_second_unanswered_call_in_a_row_is_handed_off_to_a_messenger_after_three_days()
    {
        var tenant = await TenantAsync();
        await EnableAsync(tenant, AutomationKind.UnansweredCallHandoff);
        using var api = tenant.Api();
        foreach (var (id, minutes) in new[] { ("call-1", -30.0), ("call-2", -10.0) })
        {
            await api.PostAsync("/api/v1/events", Json($$$"""
                {"type":"call_unanswered","externalId":"{{{id}}}","phone":"+79167000005","occurredAt":"{{{Now(minutes)}}}","data":{}}
                """));
        }

        await DrainUntilAsync(tenant, async () => (await RunsAsync(tenant)).Count == 1);
        var run = Assert.Single(await RunsAsync(tenant));
        Assert.InRange(run.DueAt, DateTimeOffset.UtcNow.AddDays(3).AddMinutes(-15), DateTimeOffset.UtcNow.AddDays(3));

        await tenant.WithDbAsync(db => db.AutomationRuns.ExecuteUpdateAsync(s => s.SetProperty(r => r.DueAt, DateTimeOffset.UtcNow)));
        await DrainUntilAsync(tenant, async () => (await RunsAsync(tenant)).Single().Status == AutomationRunStatus.HandedOff);
        Assert.Empty(await OutboxAsync(tenant, "+79167000005"));
    }

    [Fact]
    public async Task Birthday_greeting_with_the_promo_code_goes_out_once_a_year()
    {
        var tenant = await TenantAsync();
        await EnableAsync(tenant, AutomationKind.Birthday, delayMinutes: 0, promo: "HAPPY25");
        var worker = app.Factory.Services.GetRequiredService<AutomationWorker>();
        await worker.RunTenantAsync(tenant.Id, CancellationToken.None); // today's scan: nobody yet
        using var api = tenant.Api();
        // Consent first, the birth date after: whenever a background pass scans, it never sees this birthday without consent.
        await GrantMarketingAsync(api, "+79167000006");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).Date);
        var created = await api.PostAsync("/api/v1/contacts", Json($$$"""
            {"phone":"+79167000006","firstName":"Анна","city":"Москва","birthDate":"{{{today.AddYears(-30):yyyy-MM-dd}}}"}
            """));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        // Contacts are scanned once a day; saving the automation makes the next pass scan today's birthdays again.
        await EnableAsync(tenant, AutomationKind.Birthday, delayMinutes: 0, promo: "HAPPY25");

        await DrainUntilAsync(tenant, async () => (await RunsAsync(tenant)).Any(r => r.Status == AutomationRunStatus.Sent));
        await EnableAsync(tenant, AutomationKind.Birthday, delayMinutes: 0, promo: "HAPPY25");
        await worker.RunTenantAsync(tenant.Id, CancellationToken.None); // a rescan the same day greets nobody twice

        Assert.Single(await RunsAsync(tenant));
        var text = Assert.Single(await OutboxAsync(tenant, "+79167000006")).GetProperty("text").GetString();
        Assert.Contains("Анна", text);
        Assert.Contains("HAPPY25", text);
    }

    [Fact]
    public async Task Marketer_edits_an_automation_and_a_text_without_opt_out_is_refused()
    {
        var tenant = await app.CreateTenantAsync();
        var session = await tenant.SignInAsync(Role.Marketer);
        var page = await session.GetAsync("/automations");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        var refused = await session.PostFormAsync("/automations/birthday", new Dictionary<string, string>
        {
            ["Enabled"] = "true", ["Text"] = "С днём рождения! Скидка 20%", ["DelayMinutes"] = "600",
        }, "/automations/birthday");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(await tenant.WithDbAsync(db => db.Automations.AnyAsync()));

        var saved = await session.PostFormAsync("/automations/birthday", new Dictionary<string, string>
        {
            ["Enabled"] = "true", ["Text"] = "{{firstName}}, с днём рождения! Промокод {{promoCode}}. Отписка: СТОП", ["DelayMinutes"] = "600",
            ["PromoCode"] = "HB",
        }, "/automations/birthday");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var stored = await tenant.WithDbAsync(db => db.Automations.SingleAsync());
        Assert.True(stored.Enabled);
        Assert.Equal("HB", stored.PromoCode);
    }
}
