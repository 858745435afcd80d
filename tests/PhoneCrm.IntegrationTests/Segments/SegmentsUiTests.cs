using System.Net;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Segments;

/// <summary>The builder pages: template gallery, live count (htmx action), save, duplicate; Analyst reads only.</summary>
[Collection(AppCollection.Name)]
public sealed class SegmentsUiTests(AppFixture app)
{
    [Fact]
    public async Task Marketer_builds_from_a_template_sees_the_count_and_saves()
    {
        var tenant = await SegmentData.TenantAsync(app);
        using var marketer = await tenant.SignInAsync(Role.Marketer);

        var gallery = await (await marketer.GetAsync("/segments")).Content.ReadAsStringAsync();
        Assert.Contains("template=gardeners", gallery, StringComparison.Ordinal);
        var page = await (await marketer.GetAsync("/segments/new?template=gardeners")).Content.ReadAsStringAsync();
        Assert.Contains("purchasedCategory", page, StringComparison.Ordinal);

        const string rule = """{"all":[{"field":"purchasedCategory","op":"contains","value":"garden"}]}""";
        var count = await marketer.PostFormAsync("/segments/count", new() { ["rule"] = rule }, "/segments/new");
        Assert.Contains("data-count=\"2\"", await count.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var invalid = await marketer.PostFormAsync("/segments/count", new() { ["rule"] = """{"field":"nope","op":"eq","value":1}""" }, "/segments/new");
        var invalidHtml = System.Net.WebUtility.HtmlDecode(await invalid.Content.ReadAsStringAsync());
        Assert.Contains("правило › поле:", invalidHtml, StringComparison.Ordinal); // the live count speaks the page's language
        Assert.DoesNotContain("rule.field", invalidHtml, StringComparison.Ordinal);

        var saved = await marketer.PostFormAsync("/segments/save", new() { ["name"] = "Садоводы", ["rule"] = rule }, "/segments/new");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var location = saved.Headers.Location!.OriginalString;
        var copy = await marketer.PostFormAsync("/segments/save",
            new() { ["id"] = location.Split('/')[^1], ["name"] = "Садоводы 2", ["rule"] = rule, ["asNew"] = "true" }, location);
        Assert.NotEqual(location, copy.Headers.Location!.OriginalString);
        var list = await (await marketer.GetAsync("/segments")).Content.ReadAsStringAsync();
        Assert.Contains("Садоводы 2", list, StringComparison.Ordinal);
        var savedCount = await (await marketer.GetAsync(location + "/count")).Content.ReadAsStringAsync();
        Assert.Contains("data-count=\"2\"", savedCount, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saved_segment_leads_to_its_ad_audience_export_for_those_who_may_export()
    {
        var tenant = await SegmentData.TenantAsync(app);
        using var marketer = await tenant.SignInAsync(Role.Marketer);
        var saved = await marketer.PostFormAsync("/segments/save", new() { ["name"] = "Для рекламы", ["rule"] = "{\"all\":[]}" }, "/segments/new");
        var location = saved.Headers.Location!.OriginalString;
        var segmentId = location.Split('/')[^1];
        var link = $"href=\"/audiences?segmentId={segmentId}\"";

        // Every role that reads segments: the link exactly when the role may export audiences (today all of them do).
        foreach (var role in Roles.All.Where(r => RolePermissions.Allows(r, Permission.SegmentsRead)))
        {
            using var session = await tenant.SignInAsync(role);
            var page = await (await session.GetAsync(location)).Content.ReadAsStringAsync();
            Assert.Equal(RolePermissions.Allows(role, Permission.AudiencesExport), page.Contains(link, StringComparison.Ordinal));
        }

        Assert.DoesNotContain("id=\"export-to-audience\"", await (await marketer.GetAsync("/segments/new")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var audiences = await (await marketer.GetAsync($"/audiences?segmentId={segmentId}")).Content.ReadAsStringAsync();
        Assert.Matches($"<option value=\"{segmentId}\" selected=\"selected\"", audiences);
    }

    [Fact]
    public async Task Analyst_sees_segments_but_cannot_open_the_new_page()
    {
        var tenant = await app.CreateTenantAsync();
        using var analyst = await tenant.SignInAsync(Role.Analyst);

        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/segments")).StatusCode);
        var denied = await analyst.GetAsync("/segments/new");
        Assert.True(denied.StatusCode == HttpStatusCode.Forbidden
            || denied.Headers.Location?.OriginalString.Contains("access-denied", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Sample_is_masked_for_the_analyst_and_cities_autocomplete_from_existing_values()
    {
        var tenant = await SegmentData.TenantAsync(app);
        const string rule = """{"all":[{"field":"city","op":"eq","value":"Москва"}]}""";
        using var analyst = await tenant.SignInAsync(Role.Analyst);
        var masked = await (await analyst.PostFormAsync("/segments/sample", new() { ["rule"] = rule }, "/segments")).Content.ReadAsStringAsync();
        Assert.Equal(2, masked.Split("class=\"sample-contact\"").Length - 1);
        Assert.Contains("***-**-01", masked, StringComparison.Ordinal);
        Assert.Contains("***-**-03", masked, StringComparison.Ordinal);

        using var marketer = await tenant.SignInAsync(Role.Marketer);
        var plain = await (await marketer.PostFormAsync("/segments/sample", new() { ["rule"] = rule }, "/segments/new")).Content.ReadAsStringAsync();
        Assert.Equal(2, plain.Split("class=\"sample-contact\"").Length - 1);
        Assert.DoesNotContain("***", plain, StringComparison.Ordinal);

        var cities = await (await marketer.GetAsync("/segments/cities?q=" + Uri.EscapeDataString("Мос"))).Content.ReadAsStringAsync();
        Assert.Equal("[\"Москва\"]", System.Text.RegularExpressions.Regex.Unescape(cities));
        var lower = await (await marketer.GetAsync("/segments/cities?q=" + Uri.EscapeDataString("мос"))).Content.ReadAsStringAsync();
        Assert.Equal("[\"Москва\"]", System.Text.RegularExpressions.Regex.Unescape(lower));
        var none = await (await marketer.GetAsync("/segments/cities?q=%25")).Content.ReadAsStringAsync();
        Assert.Equal("[]", none);
    }
}
