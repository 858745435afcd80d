using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Events;
using PhoneCrm.Infrastructure.Events;
using PhoneCrm.Infrastructure.Events.Import;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Events;

/// <summary>The events CSV wizard: exact counts, rejected rows, contacts created with the import's source, idempotent re-import.</summary>
[Collection(AppCollection.Name)]
public sealed class EventImportTests(AppFixture app)
{
    /// <summary>Header line 1; every data line's fate is in the comment.</summary>
    private const string File =
        "type;external_id;phone;occurred_at;order_id;amount;currency;sku;item_name;category;price;quantity\n"
        + "order_placed;ord-1;+79161230001;2026-11-01 10:00;1001;;RUB;S1;Семена;Garden;100;2\n"       // 2 \ one order, items 200 + 300
        + "order_placed;ord-1;+79161230001;2026-11-01 10:00;1001;;RUB;S2;Лопата;tools;300;1\n"        // 3 /
        + "order_paid;pay-1;+79161230001;2026-11-02T10:00:00Z;1001;500,00;RUB;;;;;\n"                // 4 created
        + "cart_abandoned;cart-1;8 (916) 123-00-02;2026-11-03 12:00;;;;;;;;\n"                       // 5 created, new contact
        + "bogus;x-1;+79161230003;2026-11-03;;;;;;;;\n"                                               // 6 rejected: type
        + "order_placed;x-2;12345;2026-11-03;;;;;;;;\n"                                               // 7 rejected: phone
        + "order_placed;x-3;+79161230004;yesterday;;;;;;;;\n"                                         // 8 rejected: time
        + "order_placed;;+79161230005;2026-11-03;;;;;;;;\n"                                           // 9 rejected: no external id
        + "call_unanswered;call-1;+79161230001;2026-11-04 09:00;;;;;;;;\n";                          // 10 created

    private static async Task<(Guid Id, JsonElement Status)> ImportAsync(UiSession ui, HttpClient api, string csv, string name)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)]);
        part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(part, "file", name);
        form.Add(new StringContent(ContactSources.Store), "sourceChannel");
        form.Add(new StringContent(await ui.TokenAsync("/events/import")), "__RequestVerificationToken");
        var uploaded = await ui.Client.PostAsync("/events/import", form);
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var mapPath = uploaded.Headers.Location!.OriginalString;
        var id = Guid.Parse(mapPath.Split('/')[3]);
        var mapPage = await (await ui.GetAsync(mapPath)).Content.ReadAsStringAsync();
        Assert.Contains("id=\"preview-table\"", mapPage, StringComparison.Ordinal);

        string[] columns = ["type", "external_id", "phone", "occurred_at", "order_id", "amount", "currency", "sku", "item_name", "category", "price", "quantity"];
        var fields = columns.Select((c, i) => (c, i)).ToDictionary(x => $"map[{x.c}]", x => x.i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var started = await ui.PostFormAsync($"/events/import/{id}/start", fields, mapPath);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var status = await api.GetFromJsonAsync<JsonElement>($"/api/v1/imports/{id}");
            if (status.GetProperty("status").GetString() is "completed" or "failed") return (id, status);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Import {id} did not finish: {status}");
            await Task.Delay(200);
        }
    }

    private static (string, int, int, int, int, int) Counts(JsonElement s) =>
        (s.GetProperty("status").GetString()!, s.GetProperty("totalRows").GetInt32(), s.GetProperty("processedRows").GetInt32(),
         s.GetProperty("created").GetInt32(), s.GetProperty("duplicates").GetInt32(), s.GetProperty("rejected").GetInt32());

    [Fact]
    public async Task An_events_file_imports_exactly_and_again_records_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        using var ui = await tenant.SignInAsync(Role.Marketer);

        var (firstId, first) = await ImportAsync(ui, api, File, "events.csv");
        Assert.Equal(("completed", 9, 9, 5, 0, 4), Counts(first));

        // The API's report: line, value, reason (api-v1.md).
        var apiRejected = (await api.GetStringAsync($"/api/v1/imports/{firstId}/rejected")).TrimEnd().Split("\r\n");
        Assert.Equal("line,value,reason", apiRejected[0]);
        Assert.Equal(5, apiRejected.Length);
        Assert.StartsWith("6,'+79161230003,\"type: Unknown event type.", apiRejected[1], StringComparison.Ordinal);
        Assert.Equal("7,12345,phone: Enter a valid phone number.", apiRejected[2]);
        Assert.Equal("8,'+79161230004,occurred_at: cannot read the time 'yesterday'.", apiRejected[3]);
        Assert.StartsWith("9,'+79161230005,external_id: External id is required", apiRejected[4], StringComparison.Ordinal);

        // The wizard's, for people: line, the reason in the page's language, then the whole original row (Excel's «;»).
        var rejected = (await (await ui.GetAsync($"/events/import/{firstId}/rejected")).Content.ReadAsStringAsync()).TrimStart('\uFEFF').TrimEnd().Split("\r\n");
        Assert.Equal("Строка;Причина;type;external_id;phone;occurred_at;order_id;amount;currency;sku;item_name;category;price;quantity", rejected[0]);
        Assert.Equal(5, rejected.Length);
        Assert.EndsWith(";bogus;x-1;+79161230003;2026-11-03;;;;;;;;", rejected[1], StringComparison.Ordinal);
        Assert.StartsWith("7;phone: ", rejected[2], StringComparison.Ordinal);
        Assert.EndsWith(";order_placed;x-2;12345;2026-11-03;;;;;;;;", rejected[2], StringComparison.Ordinal);
        Assert.EndsWith(";order_placed;x-3;+79161230004;yesterday;;;;;;;;", rejected[3], StringComparison.Ordinal);
        Assert.StartsWith("9;external_id: ", rejected[4], StringComparison.Ordinal);

        var (events, order, contacts, stores) = await tenant.WithDbAsync(async db => (
            await db.Set<ContactEvent>().CountAsync(),
            await db.Set<ContactEvent>().SingleAsync(e => e.ExternalId == "ord-1"),
            await db.Set<Contact>().CountAsync(),
            await db.Set<Contact>().CountAsync(c => c.SourceChannel == ContactSources.Store)));
        Assert.Equal(4, events);
        Assert.Equal(500m, order.Amount);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), order.OccurredAt);
        Assert.Equal((2, 2), (contacts, stores));

        async Task<long> CountAsync(string rule)
        {
            var r = await api.PostAsync("/api/v1/segments/count", new StringContent($$"""{"rule":{{rule}}}""", Encoding.UTF8, "application/json"));
            return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt64();
        }

        Assert.Equal(1, await CountAsync("""{"field":"purchasedCategory","op":"contains","value":"garden"}"""));
        Assert.Equal(1, await CountAsync("""{"field":"unansweredCalls","op":"gte","value":1}"""));

        var (_, again) = await ImportAsync(ui, api, File, "events-again.csv");
        Assert.Equal(("completed", 9, 9, 0, 5, 4), Counts(again));
        Assert.Equal(4, await tenant.WithDbAsync(db => db.Set<ContactEvent>().CountAsync()));

        // The same external id with other content is not a retry: rejected, the stored event stays.
        var (conflictId, conflict) = await ImportAsync(ui, api,
            "type;external_id;phone;occurred_at;order_id;amount;currency;sku;item_name;category;price;quantity\n"
            + "order_paid;pay-1;+79161230001;2026-11-02T10:00:00Z;1001;999;RUB;;;;;\n", "conflict.csv");
        Assert.Equal(("completed", 1, 1, 0, 0, 1), Counts(conflict));
        var conflictCsv = await api.GetStringAsync($"/api/v1/imports/{conflictId}/rejected");
        Assert.Contains("2,'+79161230001,external_id: already used by a different event.", conflictCsv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_of_several_batches_records_each_event_once_and_its_stats_match_the_backfill()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        using var ui = await tenant.SignInAsync(Role.Marketer);
        var csv = new StringBuilder("type;external_id;phone;occurred_at;order_id;amount;currency;sku;item_name;category;price;quantity\n");
        string[] categories = ["garden", "tools", "seeds"];
        string Line(int i, int price) => FormattableString.Invariant(
            $"order_placed;o-{i};+7916555{i % 300:0000};2026-10-{1 + i % 28:00} 10:{i % 60:00};{i};;RUB;S{i};Item;{categories[i % 3]};{price};1\n");
        const int orders = 2 * EventImportHandler.BatchEvents + 500;
        for (var i = 0; i < orders; i++)
        {
            csv.Append(Line(i, 100 + i));
            if (i == EventImportHandler.BatchEvents + 500) csv.Append(Line(5, 105));                                // earlier batch, same body: duplicate
            if (i == 2 * EventImportHandler.BatchEvents + 10) csv.Append(Line(2 * EventImportHandler.BatchEvents + 1, 1)); // same batch, other body
        }

        var (_, status) = await ImportAsync(ui, api, csv.ToString(), "history.csv");

        Assert.Equal(("completed", orders + 2, orders + 2, orders, 1, 1), Counts(status));
        var stats = await tenant.WithDbAsync(db => db.Contacts.AsNoTracking().Where(c => c.Stats.OrdersCount > 0).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Stats.OrdersCount, c.Stats.TotalSpent, c.Stats.LastPurchaseAt, c.Stats.AvgOrderValue, c.Stats.PurchasedCategories })
            .ToListAsync());
        Assert.Equal((orders, 300), (stats.Sum(s => s.OrdersCount), stats.Count));
        Assert.Equal(Enumerable.Range(0, orders).Sum(i => 100m + i), stats.Sum(s => s.TotalSpent));
        var categoryRows = await tenant.WithDbAsync(db => db.Set<ContactCategory>().CountAsync());

        // The batches' recomputation and the backfill follow one definition: rebuilding changes nothing.
        await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ContactStatsUpdater>().RebuildAsync(tenant.Id));
        var rebuilt = await tenant.WithDbAsync(db => db.Contacts.AsNoTracking().Where(c => c.Stats.OrdersCount > 0).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Stats.OrdersCount, c.Stats.TotalSpent, c.Stats.LastPurchaseAt, c.Stats.AvgOrderValue, c.Stats.PurchasedCategories })
            .ToListAsync());
        static string Row(dynamic s) => $"{s.Id} {s.OrdersCount} {s.TotalSpent} {s.LastPurchaseAt:O} {s.AvgOrderValue} {string.Join(',', s.PurchasedCategories)}";
        Assert.Equal(stats.Select(s => Row(s)), rebuilt.Select(s => Row(s)));
        Assert.All(stats, s => Assert.Single(s.PurchasedCategories));
        Assert.Equal(categoryRows, await tenant.WithDbAsync(db => db.Set<ContactCategory>().CountAsync()));
        Assert.Equal(300, categoryRows); // each buyer always bought the same one of the 3 categories (300 is a multiple of 3)
    }

    [Fact]
    public async Task The_card_lists_the_contacts_events_newest_first()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        using var ui = await tenant.SignInAsync(Role.Marketer);
        await ImportAsync(ui, api, File, "events.csv");
        var id = await tenant.WithDbAsync(db => db.Set<ContactEvent>().Where(e => e.ExternalId == "ord-1").Select(e => e.ContactId).SingleAsync());

        var html = await (await ui.GetAsync($"/contacts/{id}?tab=orders")).Content.ReadAsStringAsync();
        var types = System.Text.RegularExpressions.Regex.Matches(html, "class=\"timeline-event\" data-type=\"([a-z_]+)\"").Select(m => m.Groups[1].Value);
        Assert.Equal(["call_unanswered", "order_paid", "order_placed"], types);
        Assert.Contains("garden", html, StringComparison.Ordinal);
        Assert.Contains("tools", html, StringComparison.Ordinal);
    }
}
