using PhoneCrm.BrowserTests.Infrastructure;
using Xunit.Abstractions;

namespace PhoneCrm.BrowserTests.Accessibility;

/// <summary>Every page each role can open, and the public pages, checked by axe-core and for one language at a time.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageWalkTests(BrowserFixture app, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_page_of_every_role_has_no_axe_violations_of_wcag_2_1_a_and_aa()
    {
        var walk = await PageWalk.OnceAsync(app);
        output.WriteLine($"{walk.Visits.Count} visits in {walk.Took.TotalSeconds:F0} s");
        var failures = walk.Visits.Where(v => v.AxeViolations.Count > 0)
            .Select(v => $"{v.Who} {v.Path}:\n  " + string.Join("\n  ", v.AxeViolations)).ToList();
        Assert.True(failures.Count == 0, $"axe-core found violations on {failures.Count} pages:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Every_page_speaks_only_the_chosen_language()
    {
        var walk = await PageWalk.OnceAsync(app);
        var failures = walk.Visits.Where(v => v.ForeignText.Count > 0)
            .Select(v => $"{v.Who} [{v.Language}] {v.Path}:\n  " + string.Join("\n  ", v.ForeignText)).ToList();
        Assert.True(failures.Count == 0, $"Text of the other language on {failures.Count} pages:\n" + string.Join("\n", failures));
    }
}
