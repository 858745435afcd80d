using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;

namespace PhoneCrm.BrowserTests.Requests;

/// <summary>The Admin enters a year's decree on the working-day calendar page: a bad line is named, the fixed year is shown.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CalendarFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task Admin_enters_a_working_saturday_and_a_moved_day_off()
    {
        var tenant = await app.CreateTenantAsync("Календарь");
        var admin = await tenant.AddUserAsync(Role.Admin);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, admin);

        await page.GotoAsync("/settings/calendar/2027");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Производственный календарь 2027");
        // May 9, 2027 is a Sunday: by default its day off moves to Monday May 10.
        await Assertions.Expect(page.Locator("td[data-day='2027-05-10']")).ToHaveClassAsync("day-holiday");
        await BrowserFixture.ScreenshotAsync(page, "calendar-01-defaults");

        var holidays = page.GetByLabel("Нерабочие дни помимо суббот и воскресений (по одной дате в строке)");
        await holidays.FillAsync(await holidays.InputValueAsync() + "\n31.12.2027\n32.12.2027");
        await page.GetByLabel("Рабочие субботы и воскресенья").FillAsync("08.01.2028");
        await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить 2027" }).ClickAsync();
        await Assertions.Expect(page.Locator("#calendar-form")).ToContainTextAsync("32.12.2027: Не дата");
        await BrowserFixture.ScreenshotAsync(page, "calendar-02-bad-line");

        await holidays.FillAsync((await holidays.InputValueAsync()).Replace("\n32.12.2027", "", StringComparison.Ordinal));
        await page.GetByLabel("Рабочие субботы и воскресенья").FillAsync("09.01.2027");
        await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить 2027" }).ClickAsync();
        await Assertions.Expect(page.Locator("td[data-day='2027-12-31']")).ToHaveClassAsync("day-holiday");
        await Assertions.Expect(page.Locator("td[data-day='2027-01-09']")).ToHaveClassAsync("day-working-weekend");
        await Assertions.Expect(page.GetByText("Введён администратором")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "calendar-03-entered");
    }
}
