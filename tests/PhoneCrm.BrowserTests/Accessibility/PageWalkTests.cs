using PhoneCrm.BrowserTests.Infrastructure;
using Xunit.Abstractions;

namespace PhoneCrm.BrowserTests.Accessibility;

/// <summary>
/// Every page each role can open, and the public pages, checked by axe-core and for one language at a time; the main forms
/// submitted wrong in both languages. One walk (<see cref="PageWalk"/>) serves the three checks.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PageWalkTests(BrowserFixture app, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_page_of_every_role_has_no_axe_violations_of_wcag_2_1_a_and_aa()
    {
        var walk = await PageWalk.OnceAsync(app);
        output.WriteLine($"{walk.Visits.Count} page visits and {walk.FormVisits.Count} form submits in {walk.Took.TotalSeconds:F0} s");
        AssertNone(walk.Visits, v => v.AxeViolations, "axe-core found violations");
    }

    [Fact]
    public async Task Every_page_speaks_only_the_chosen_language() =>
        AssertNone((await PageWalk.OnceAsync(app)).Visits, v => v.ForeignText, "Text of the other language");

    [Fact]
    public async Task Every_main_form_refuses_wrong_input_in_the_chosen_language() =>
        AssertNone((await PageWalk.OnceAsync(app)).FormVisits, v => v.ForeignText, "Messages of the other language");

    private static void AssertNone(IEnumerable<PageWalk.Visit> visits, Func<PageWalk.Visit, IReadOnlyList<string>> problems, string title)
    {
        var failures = visits.Where(v => problems(v).Count > 0)
            .Select(v => $"{v.Who} [{v.Language}] {v.Path}:\n  " + string.Join("\n  ", problems(v))).ToList();
        Assert.True(failures.Count == 0, $"{title} on {failures.Count} pages:\n" + string.Join("\n", failures));
    }
}
