using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Access;

/// <summary>
/// Issue 12 item 6: api-v1 "Rate limits" (sign-in per address, API per key, short links per address), at their defaults:
/// the test app overrides none of them (requests without a test address are not counted, see <c>RateLimits</c>).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RateLimitTests(AppFixture app)
{
    private static int _ip;

    [Fact]
    public async Task The_eleventh_wrong_password_in_a_minute_is_429_with_retry_after_and_every_refusal_says_the_same()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await tenant.AddUserAsync(Role.Marketer);
        using var session = SessionFrom(out _);
        var bodies = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            // Unknown accounts and wrong passwords alike; after five the real account is also locked.
            var email = i % 2 == 0 ? user.Email : $"nobody-{i}@test.phonecrm";
            var refused = await session.PostFormAsync("/account/login", new() { ["Email"] = email, ["Password"] = "wrong-password" });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            bodies.Add(WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        }

        Assert.All(bodies, body => Assert.Contains("Неверный email или пароль, или вход временно заблокирован", body, StringComparison.Ordinal));
        var limited = await session.PostFormAsync("/account/login", new() { ["Email"] = user.Email, ["Password"] = "wrong-password" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // Another address is not affected.
        using var other = SessionFrom(out _);
        var elsewhere = await other.PostFormAsync("/account/login", new() { ["Email"] = "nobody@test.phonecrm", ["Password"] = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    [Fact]
    public async Task The_api_answers_429_problem_json_with_retry_after_beyond_600_requests_a_minute_per_key()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 601; i++)
        {
            last?.Dispose();
            last = await api.GetAsync("/api/v1/capture-forms");
            statuses.Add(last.StatusCode);
        }

        Assert.Equal(600, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await last.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());

        // Another key of another tenant has its own window.
        var other = await app.CreateTenantAsync();
        using var otherApi = other.Api();
        Assert.Equal(HttpStatusCode.OK, (await otherApi.GetAsync("/api/v1/capture-forms")).StatusCode);
    }

    [Fact]
    public async Task Short_links_are_limited_per_address()
    {
        using var client = app.Client();
        client.DefaultRequestHeaders.Add(TestClientIpFilter.Header, $"100.72.0.{Interlocked.Increment(ref _ip)}");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 121; i++) statuses.Add((await client.GetAsync($"/r/nosuchcode{i}")).StatusCode);
        Assert.Equal(120, statuses.Count(s => s == HttpStatusCode.NotFound));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    private UiSession SessionFrom(out string ip)
    {
        ip = $"100.71.0.{Interlocked.Increment(ref _ip)}";
        var session = app.Session();
        session.Client.DefaultRequestHeaders.Add(TestClientIpFilter.Header, ip);
        return session;
    }
}
