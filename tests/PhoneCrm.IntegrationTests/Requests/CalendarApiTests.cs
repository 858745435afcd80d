using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Requests;

[Collection(AppCollection.Name)]
public sealed class CalendarApiTests(AppFixture app)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string[] Days(JsonElement year, string list) =>
        [.. year.GetProperty(list).EnumerateArray().Select(d => d.GetString()!)];

    [Fact]
    public async Task A_year_nobody_entered_answers_the_defaults_with_the_2026_decree()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var year = await api.GetFromJsonAsync<JsonElement>("/api/v1/settings/calendar/2026");

        Assert.Equal(2026, year.GetProperty("year").GetInt32());
        var holidays = Days(year, "holidays");
        foreach (var day in new[] { "2026-01-01", "2026-01-08", "2026-01-09", "2026-03-09", "2026-05-11", "2026-06-12", "2026-12-31" })
            Assert.Contains(day, holidays);
        Assert.Equal(holidays.Order(StringComparer.Ordinal), holidays);
        Assert.Empty(Days(year, "workingWeekends"));
    }

    [Fact]
    public async Task Put_replaces_the_year_for_this_tenant_only()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var put = await api.PutAsync("/api/v1/settings/calendar/2027", Json("""
            {"year":2027,"holidays":["2027-01-01","2027-01-02","2027-05-03","2027-12-31"],"workingWeekends":["2027-01-09"]}
            """));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var saved = await api.GetFromJsonAsync<JsonElement>("/api/v1/settings/calendar/2027");
        Assert.Equal(["2027-01-01", "2027-01-02", "2027-05-03", "2027-12-31"], Days(saved, "holidays"));
        Assert.Equal(["2027-01-09"], Days(saved, "workingWeekends"));
        using var otherApi = other.Api();
        var untouched = await otherApi.GetFromJsonAsync<JsonElement>("/api/v1/settings/calendar/2027");
        Assert.DoesNotContain("2027-12-31", Days(untouched, "holidays"));
        Assert.Contains("2027-05-10", Days(untouched, "holidays")); // May 9, 2027 is a Sunday: moved by default
    }

    [Fact]
    public async Task Invalid_dates_are_400_naming_each_one_and_nothing_is_saved()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var bad = await api.PutAsync("/api/v1/settings/calendar/2027", Json("""
            {"holidays":["2027-01-01","2027-02-30","yesterday"],"workingWeekends":[]}
            """));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("holidays[1]", out _));
        Assert.True(errors.TryGetProperty("holidays[2]", out _));
        Assert.False(errors.TryGetProperty("holidays[0]", out _));

        var wrong = await api.PutAsync("/api/v1/settings/calendar/2027", Json("""
            {"holidays":["2026-05-01"],"workingWeekends":["2027-01-12"]}
            """));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var wrongErrors = (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(wrongErrors.TryGetProperty("holidays[0]", out _));
        Assert.True(wrongErrors.TryGetProperty("workingWeekends[0]", out _));

        var year = await api.GetFromJsonAsync<JsonElement>("/api/v1/settings/calendar/2027");
        Assert.Contains("2027-05-10", Days(year, "holidays")); // still the defaults
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/v1/settings/calendar/1999")).StatusCode);
    }

    [Fact]
    public async Task Only_the_admin_scope_reads_and_writes_the_calendar()
    {
        var tenant = await app.CreateTenantAsync();
        var key = await app.InTenantAsync(tenant.Id, sp =>
            sp.GetRequiredService<ApiKeyService>().CreateAsync("requests only", ["requests"], null));
        using var api = tenant.Api(key.Token);

        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/api/v1/settings/calendar/2026")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.PutAsync("/api/v1/settings/calendar/2026", Json("""{"holidays":[]}"""))).StatusCode);
        using var anonymous = app.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/settings/calendar/2026")).StatusCode);
    }
}

[Collection(AppCollection.Name)]
public sealed class CalendarUiTests(AppFixture app)
{
    [Fact]
    public async Task The_admin_sees_the_year_and_enters_a_decree_with_each_bad_line_named()
    {
        var tenant = await app.CreateTenantAsync();
        var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Admin);

        var page = await (await session.GetAsync("/settings/calendar/2026")).Content.ReadAsStringAsync();
        Assert.Contains("Производственный календарь", page);
        Assert.Contains("class=\"day-holiday\" title=\"Выходной\" data-day=\"2026-01-09\"", page);
        Assert.Contains("data-day=\"2026-01-12\"", page);

        var refused = await session.PostFormAsync("/settings/calendar/2027",
            new() { ["holidays"] = "01.01.2027\n31.02.2027\n01.05.2026", ["workingWeekends"] = "" }, "/settings/calendar/2027");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("31.02.2027: Не дата", html);
        Assert.False(await tenant.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.CalendarYears)));

        var saved = await session.PostFormAsync("/settings/calendar/2027",
            new() { ["holidays"] = "01.01.2027\n2027-12-31", ["workingWeekends"] = "09.01.2027" }, "/settings/calendar/2027");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var row = await tenant.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.CalendarYears));
        Assert.Equal([new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31)], row.Holidays);
        Assert.Equal([new DateOnly(2027, 1, 9)], row.WorkingWeekends);
    }

    [Fact]
    public async Task A_marketer_cannot_open_the_calendar()
    {
        var tenant = await app.CreateTenantAsync();
        var session = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.Marketer);

        var response = await session.GetAsync("/settings/calendar");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
