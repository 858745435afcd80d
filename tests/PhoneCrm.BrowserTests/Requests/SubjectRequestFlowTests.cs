using System.Net.Http.Json;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Requests;

namespace PhoneCrm.BrowserTests.Requests;

/// <summary>
/// A person asks on the self-service page and proves the number with the SMS code (read from the simulator); the
/// compliance officer sees the overdue request first and red in the queue, the count in the menu and on the dashboard,
/// and answers the person's request.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SubjectRequestFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task Self_service_request_with_the_sms_code_then_the_officers_queue_with_the_overdue_one_highlighted()
    {
        var tenant = await app.CreateTenantAsync("Сад и огород");
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
        var late = await api.PostAsJsonAsync("/api/v1/subject-requests",
            new { type = "erasure", phone = "+79161118001", fullName = "Пётр Давно", channel = "letter", receivedAt = "2026-06-01T10:00:00+03:00" });
        late.EnsureSuccessStatusCode();

        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync($"/dsr/{tenant.Id}");
        await Assertions.Expect(visitor.Locator("h1")).ToHaveTextAsync("Запрос о ваших персональных данных");
        await visitor.GetByLabel("Сообщить, какие мои данные обрабатываются, зачем и с какого времени").CheckAsync();
        await visitor.GetByLabel("Ваш номер телефона").FillAsync("+7 916 111-80-02");
        await visitor.GetByLabel("ФИО").FillAsync("Анна Смирнова");
        await BrowserFixture.ScreenshotAsync(visitor, "dsr-01-self-service-form");
        await visitor.Locator("#dsr-submit").ClickAsync();
        await Assertions.Expect(visitor.Locator("#dsr-code-form")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(visitor, "dsr-02-code-asked");

        var code = await SelfServiceTests.LastCodeAsync(tenant, "+79161118002", api);
        Assert.Matches("^[0-9]{6}$", code);
        await visitor.GetByLabel("Код из SMS").FillAsync(code);
        await visitor.Locator("#dsr-code-submit").ClickAsync();
        var accepted = visitor.Locator("#dsr-accepted");
        await Assertions.Expect(accepted).ToContainTextAsync("DSR-2026-");
        await BrowserFixture.ScreenshotAsync(visitor, "dsr-03-accepted");

        var officer = await tenant.AddUserAsync(Role.ComplianceOfficer);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, officer);
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("#overdue-requests-badge")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#request-deadlines")).ToContainTextAsync("DSR-2026-000001");
        await BrowserFixture.ScreenshotAsync(page, "dsr-04-dashboard");

        await page.Locator("#overdue-requests-badge").ClickAsync();
        var rows = page.Locator("#requests tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.First).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("request-overdue"));
        await Assertions.Expect(rows.First).ToContainTextAsync("Просрочен");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("Анна Смирнова");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("личность подтверждена");
        await Assertions.Expect(page.Locator("#overdue-alert")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "dsr-05-queue-overdue-first");

        await rows.Nth(1).Locator("a").ClickAsync();
        await Assertions.Expect(page.Locator("#request-details")).ToContainTextAsync("код по SMS");
        await Assertions.Expect(page.Locator("#request-notices [data-notice=acknowledgement]")).ToContainTextAsync("отправлено по SMS");
        await page.Locator("#execute-form button").ClickAsync();
        await Assertions.Expect(page.Locator("#request-status")).ToContainTextAsync("исполнен");
        await Assertions.Expect(page.Locator("#request-notices [data-notice=final]")).ToContainTextAsync("не обрабатываются");
        await BrowserFixture.ScreenshotAsync(page, "dsr-06-request-answered");
    }
}
