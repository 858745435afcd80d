using System.Net.Http.Json;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;

namespace PhoneCrm.BrowserTests.Platform;

[Collection(BrowserCollection.Name)]
public sealed class EncryptionPageTests(BrowserFixture app)
{
    /// <summary>The operator's view of encryption at rest: the active key, what each key still protects, the tenant-bound
    /// indexes and values, and a re-encryption queued from the page.</summary>
    [Fact]
    public async Task Platform_operator_reads_the_key_status_and_queues_a_re_encryption()
    {
        // A contact, so that the active key protects something this test put there.
        var tenant = await app.CreateTenantAsync("Шифрование и ключи");
        using (var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
            var created = await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79161234567", firstName = "Ключевая", lastName = "Проверка" });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var operatorUser = await app.CreatePlatformOperatorAsync();
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, operatorUser);

        await page.GotoAsync("/platform/encryption");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Шифрование данных");
        var activeKey = (await page.Locator("#active-key").InnerTextAsync()).Trim();
        Assert.False(string.IsNullOrEmpty(activeKey));
        var active = page.Locator($"#values-by-key tr[data-key='{activeKey}']");
        await Assertions.Expect(active).ToContainTextAsync("используется");
        Assert.True(long.Parse(await active.GetAttributeAsync("data-values") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > 0,
            "the active key protects no value");
        await Assertions.Expect(page.Locator("#blind-indexes")).ToContainTextAsync("Переведено арендаторов:");
        await Assertions.Expect(page.Locator("#tenant-binding")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "platform-01-encryption");

        await page.Locator("#reencrypt").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/platform/encryption$"));
        await Assertions.Expect(page.GetByText("Сохранённые данные перешифровываются активным ключом в фоне.")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "platform-02-reencryption-queued");
    }
}
