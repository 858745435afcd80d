using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PhoneCrm.IntegrationTests.Campaigns;

/// <summary>Helpers over the public API: contacts with consents, settings, segments, campaigns and waiting for them.</summary>
public static class CampaignData
{
    public const string Promo = "{{firstName}}, скидка 30% на семена. Отписка: СТОП";

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public static string Phone(int n) => $"+7916{n:D7}";

    /// <summary>A window that is open all day every day (from = to), so only the rest of the policy decides.</summary>
    public static async Task OpenWindowAsync(HttpClient api, int perDay = 2, int informationalPerWeek = 2, int promotionalPerMonth = 2,
        string from = "00:00", string to = "00:00")
    {
        var body = $$$"""
            {"timeZone":"Europe/Moscow","marketingWindow":{"from":"{{{from}}}","to":"{{{to}}}","days":["mon","tue","wed","thu","fri","sat","sun"]},
             "caps":{"perDay":{{{perDay}}},"informationalPerWeek":{{{informationalPerWeek}}},"promotionalPerMonth":{{{promotionalPerMonth}}}}}
            """;
        var response = await api.PutAsync("/api/v1/settings/sending", Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task<string> ContactAsync(HttpClient api, string phone, string? firstName = null, string? city = null)
    {
        var response = await api.PostAsync("/api/v1/contacts", Json(new { phone, firstName, city }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task GrantAsync(HttpClient api, string phone, string purpose = "marketing", string legalBasis = "consent")
    {
        var body = new
        {
            phone, purpose, channel = "sms", legalBasis,
            evidence = new { method = "web_form", capturedAt = DateTimeOffset.UtcNow.AddDays(-1), ip = "203.0.113.5", sourceUrl = "https://shop.example/checkout" },
        };
        var response = await api.PostAsync("/api/v1/consents", Json(body));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static async Task WithdrawAsync(HttpClient api, string phone)
    {
        var response = await api.PostAsync("/api/v1/consents/withdraw", Json(new { phone, purpose = "marketing", channel = "sms", method = "api" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task<string> SegmentAllAsync(HttpClient api)
    {
        var response = await api.PostAsync("/api/v1/segments", Json("""{"name":"Все","rule":{"all":[]}}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task<string> CampaignAsync(HttpClient api, string segmentId, string text = Promo, string? category = null, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["name"] = "Семена -30%", ["segmentId"] = segmentId, ["purpose"] = "marketing", ["text"] = text };
        if (category is not null) body["category"] = category;
        if (extra is not null)
        {
            foreach (var p in JsonSerializer.SerializeToElement(extra).EnumerateObject()) body[p.Name] = p.Value;
        }

        var response = await api.PostAsync("/api/v1/campaigns", Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task StartAsync(HttpClient api, string campaignId)
    {
        var response = await api.PostAsync($"/api/v1/campaigns/{campaignId}/start", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Polls until the campaign is completed (or has nothing pending but deferred recipients).</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient api, string campaignId, bool allowDeferred = false, int minutes = 3)
    {
        var deadline = DateTime.UtcNow.AddMinutes(minutes);
        while (true)
        {
            var c = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}");
            var status = c.GetProperty("status").GetString();
            var stats = c.GetProperty("stats");
            if (status == "completed") return c;
            if (allowDeferred && status == "sending" && stats.GetProperty("pending").GetInt64() == 0 && stats.GetProperty("audience").GetInt64() > 0)
                return c;
            Assert.True(DateTime.UtcNow < deadline, $"the campaign did not finish: {c}");
            await Task.Delay(200);
        }
    }

    public static async Task<List<JsonElement>> RecipientsAsync(HttpClient api, string campaignId, string? outcome = null)
    {
        var url = $"/api/v1/campaigns/{campaignId}/recipients" + (outcome is null ? "" : $"?outcome={outcome}");
        var body = await api.GetFromJsonAsync<JsonElement>(url);
        return body.GetProperty("items").EnumerateArray().ToList();
    }

    public static async Task<List<JsonElement>> OutboxAsync(HttpClient api, string campaignId)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var body = await api.GetFromJsonAsync<JsonElement>($"/api/v1/sms/outbox?campaignId={campaignId}&limit=10000" + (cursor is null ? "" : $"&cursor={cursor}"));
            items.AddRange(body.GetProperty("items").EnumerateArray());
            cursor = body.TryGetProperty("nextCursor", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        }
        while (cursor is not null);
        return items;
    }
}
