using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Contacts;

namespace PhoneCrm.BrowserTests.Contacts;

[Collection(BrowserCollection.Name)]
public sealed class ImportWizardTests(BrowserFixture app)
{
    [Fact]
    public async Task Marketer_imports_a_messy_file_watches_progress_downloads_rejects_and_opens_a_contact()
    {
        var tenant = await app.CreateTenantAsync("Сад и огород");
        var user = await tenant.AddUserAsync(Role.Marketer);
        var file = Path.Combine(Path.GetTempPath(), $"клиенты-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(file, ImportsApiTests.Windows1251(ImportsApiTests.MessyFile()));

        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, user);
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Контакты" }).ClickAsync();
        await page.Locator("#import-contacts").ClickAsync();

        // Step 1: nothing chosen → a clear message; then the file.
        await page.GetByRole(AriaRole.Button, new() { Name = "Загрузить и посмотреть" }).ClickAsync();
        await page.Locator("#file").SetInputFilesAsync(file);
        await page.GetByLabel("Источник").SelectOptionAsync("offline_event");
        await page.GetByRole(AriaRole.Button, new() { Name = "Загрузить и посмотреть" }).ClickAsync();

        // Step 2: preview and the auto-detected mapping from the Russian header.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/map$"));
        await Assertions.Expect(page.Locator("#preview-table")).ToContainTextAsync("Петров");
        await Assertions.Expect(page.Locator("#map-phone")).ToHaveValueAsync("0");
        await Assertions.Expect(page.Locator("#map-last_name")).ToHaveValueAsync("2");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("windows-1251");
        await BrowserFixture.ScreenshotAsync(page, "import-01-mapping");
        await page.GetByRole(AriaRole.Button, new() { Name = "Начать импорт" }).ClickAsync();

        // Step 3: the progress bar reaches 100 % and the counts are exact.
        await Assertions.Expect(page.Locator("#import-status")).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#import-percent")).ToHaveTextAsync("100");
        await Assertions.Expect(page.Locator("#count-created")).ToHaveTextAsync("5");
        await Assertions.Expect(page.Locator("#count-duplicates")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#count-rejected")).ToHaveTextAsync("4");
        await BrowserFixture.ScreenshotAsync(page, "import-02-completed");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-rejected").ClickAsync());
        var rejected = await File.ReadAllTextAsync(await download.PathAsync());
        // For people: line, the reason in Russian and the whole original row, «;»-separated for Russian Excel.
        Assert.StartsWith("Строка;Причина;Телефон;Имя;Фамилия;E-mail;Город;Пол;Дата рождения;Теги", rejected.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains("\r\n6;неверный телефон: слишком короткий;12345;Junk;Short;;;;;\r\n", rejected, StringComparison.Ordinal);
        Assert.Contains("\r\n11;нет телефона;;Без;Телефона;;;;;\r\n", rejected, StringComparison.Ordinal);
        Assert.Equal(5, rejected.Trim().Split('\n').Length);

        await page.GetByRole(AriaRole.Link, new() { Name = "К контактам" }).ClickAsync();
        await page.GetByLabel("Телефон, email, имя или тег").FillAsync("8 (903) 123-45-67");
        await page.GetByLabel("Телефон, email, имя или тег").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#contacts-table tbody tr")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Link, new() { Name = "+7 (903) 123-45-67" }).ClickAsync();
        await Assertions.Expect(page.Locator("#contact-phone")).ToHaveTextAsync("+7 (903) 123-45-67");
        await Assertions.Expect(page.GetByLabel("Фамилия")).ToHaveValueAsync("Сидорова");
        await BrowserFixture.ScreenshotAsync(page, "import-03-imported-contact");
        File.Delete(file);
    }
}
