using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Contacts;

namespace PhoneCrm.BrowserTests.Contacts;

/// <summary>
/// Issue 19 items 2 and 3 in the wizard: a Bitrix24 export imports with no manual mapping; a file headed «Номер
/// клиента» and one with no header row reach the mapping step and import once the phone column is picked.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportExportsFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task A_bitrix24_export_imports_through_the_wizard_with_no_manual_mapping()
    {
        var (page, _) = await SignedInAsync("Бытовая техника");
        await UploadAsync(page, ImportFixtures.Bitrix24);

        // Auto-mapped: the mobile column is the phone, the others are kept as other phones; Russian dates and names.
        await Assertions.Expect(page.Locator("#map-phone")).ToHaveValueAsync("7");
        await Assertions.Expect(page.Locator("#map-other_phone_1")).ToHaveValueAsync("6");
        await Assertions.Expect(page.Locator("#map-other_phone_2")).ToHaveValueAsync("8");
        await Assertions.Expect(page.Locator("#map-middle_name")).ToHaveValueAsync("4");
        await Assertions.Expect(page.Locator("#map-birth_date")).ToHaveValueAsync("5");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("windows-1251");
        await Assertions.Expect(page.Locator("#preview-table")).ToContainTextAsync("+7 916 555-66-77, 8 (495) 765-43-21");
        await BrowserFixture.ScreenshotAsync(page, "import-bitrix24-01-mapping");
        await page.GetByRole(AriaRole.Button, new() { Name = "Начать импорт" }).ClickAsync();

        await Assertions.Expect(page.Locator("#import-status")).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#count-created")).ToHaveTextAsync("5");
        await Assertions.Expect(page.Locator("#count-rejected")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#reject-reasons")).ToContainTextAsync("нет телефона");
        await Assertions.Expect(page.Locator("#other-phones-note")).ToContainTextAsync("3");
        await BrowserFixture.ScreenshotAsync(page, "import-bitrix24-02-completed");

        // The report of rows with several numbers: Excel's «;» by default in Russian, phones written plainly.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-other-phones").ClickAsync());
        var report = (await File.ReadAllTextAsync(await download.PathAsync())).TrimStart('\uFEFF').TrimEnd().Split("\r\n");
        Assert.Equal(4, report.Length);
        Assert.StartsWith("Строка;Номер контакта;Другие номера;ID;Обращение;Имя;Фамилия", report[0], StringComparison.Ordinal);
        Assert.StartsWith("4;+79165556677;+74957654321;103;;Олег;Кузнецов;", report[2], StringComparison.Ordinal);

        // The contact: the mobile number, the patronymic, the landline kept.
        await page.GotoAsync($"{app.BaseUrl}/contacts?q=%2B79161112233");
        await page.GetByRole(AriaRole.Link, new() { Name = "+7 (916) 111-22-33" }).ClickAsync();
        await Assertions.Expect(page.Locator("#contact-name")).ToHaveTextAsync("Иван Сергеевич Петров");
        await Assertions.Expect(page.Locator("#contact-other-phones")).ToHaveTextAsync("+7 (495) 123-45-67");
        await BrowserFixture.ScreenshotAsync(page, "import-bitrix24-03-contact");
    }

    [Fact]
    public async Task A_file_headed_nomer_klienta_is_mapped_by_hand_and_imported()
    {
        var (page, _) = await SignedInAsync("Кофейня");
        await UploadAsync(page, ImportFixtures.NoPhoneHeader);

        // No column name says "phone": the mapping step appears (the phone column guessed from the numbers in it).
        await Assertions.Expect(page.Locator("#preview-table")).ToContainTextAsync("Громова Вера");
        await Assertions.Expect(page.Locator("#map-full_name")).ToHaveValueAsync("1");
        await page.GetByLabel("Телефон *").SelectOptionAsync(new SelectOptionValue { Label = "Номер клиента" });
        await BrowserFixture.ScreenshotAsync(page, "import-nomer-klienta-01-mapping");
        await page.GetByRole(AriaRole.Button, new() { Name = "Начать импорт" }).ClickAsync();

        await Assertions.Expect(page.Locator("#import-status")).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#count-created")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#count-rejected")).ToHaveTextAsync("0");
        await BrowserFixture.ScreenshotAsync(page, "import-nomer-klienta-02-completed");
        await page.GotoAsync($"{app.BaseUrl}/contacts?q=%2B79164000001");
        await Assertions.Expect(page.Locator("#contacts-table tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#contacts-table")).ToContainTextAsync("Вера Громова");
    }

    [Fact]
    public async Task A_file_with_no_header_row_is_mapped_by_position_and_its_first_row_imported()
    {
        var (page, _) = await SignedInAsync("Цветы");
        await UploadAsync(page, ImportFixtures.NoHeader);

        await Assertions.Expect(page.Locator("#no-header-note")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#preview-table thead")).ToContainTextAsync("Столбец 2");
        await Assertions.Expect(page.Locator("#preview-table tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#map-phone")).ToHaveValueAsync("1");
        await page.GetByLabel("ФИО (разделить на фамилию, имя, отчество)").SelectOptionAsync(new SelectOptionValue { Label = "Столбец 1" });
        await page.GetByLabel("Город").SelectOptionAsync(new SelectOptionValue { Label = "Столбец 3" });
        await BrowserFixture.ScreenshotAsync(page, "import-no-header-01-mapping");
        await page.GetByRole(AriaRole.Button, new() { Name = "Начать импорт" }).ClickAsync();

        await Assertions.Expect(page.Locator("#import-status")).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#count-created")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#count-rejected")).ToHaveTextAsync("0");
        await BrowserFixture.ScreenshotAsync(page, "import-no-header-02-completed");
        await page.GotoAsync($"{app.BaseUrl}/contacts?q=%2B79164000003");
        await Assertions.Expect(page.Locator("#contacts-table")).ToContainTextAsync("Ирина Белова");
        await Assertions.Expect(page.Locator("#contacts-table")).ToContainTextAsync("Тула");
    }

    private async Task<(IPage Page, string Tenant)> SignedInAsync(string name)
    {
        var tenant = await app.CreateTenantAsync(name);
        var user = await tenant.AddUserAsync(Role.Marketer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, user);
        return (page, name);
    }

    private async Task UploadAsync(IPage page, string fixture)
    {
        await page.GotoAsync($"{app.BaseUrl}/contacts/import");
        await page.Locator("#file").SetInputFilesAsync(ImportFixtures.PathOf(fixture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Загрузить и посмотреть" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/map$"));
    }
}
