using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.BrowserTests.Surveys;

/// <summary>
/// An operator (a sales manager calling their own customers) works through two calls in the console with the keyboard only:
/// one answered (a detractor, so the follow-up is asked), one unanswered.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SurveyConsoleFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task An_operator_takes_two_calls_with_the_keyboard_only()
    {
        var tenant = await app.CreateTenantAsync("Опросы");
        // The browser fixture serves on Kestrel: the API is called on the same address the browser uses.
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
        await OpenWindowAsync(api);
        foreach (var (n, name) in new[] { (1, "Анна"), (2, "Борис") })
        {
            await ContactAsync(api, Phone(n), name, "Москва");
            var consent = await api.PostAsJsonAsync("/api/v1/consents", new
            {
                phone = Phone(n), purpose = "surveys", channel = "voice", legalBasis = "consent",
                evidence = new { method = "web_form", capturedAt = DateTimeOffset.UtcNow.AddDays(-1), ip = "203.0.113.5", sourceUrl = "https://shop.example/survey" },
            });
            Assert.Equal(HttpStatusCode.Created, consent.StatusCode);
        }

        using var script = JsonDocument.Parse("""
            {"greeting":"Здравствуйте! Это магазин «Семена».","thanks":"Спасибо за ответы!",
             "steps":[{"id":"identity","kind":"choice","question":"Я говорю с владельцем номера?","options":["Да","Нет"]},
                      {"id":"nps","kind":"nps","question":"Порекомендуете ли вы нас, от 0 до 10?"},
                      {"id":"why","kind":"text","question":"Что нам исправить?","showIf":"detractor"},
                      {"id":"delivery","kind":"choice","question":"Доставка пришла вовремя?","options":["Вовремя","Опоздала"],"negative":["Опоздала"]}]}
            """);
        var created = await api.PostAsJsonAsync("/api/v1/surveys", new { name = "Качество доставки", segmentId = await SegmentAllAsync(api), script = script.RootElement, rewardCode = "SEMENA10" });
        var surveyId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/v1/surveys/{surveyId}/start", null)).StatusCode);

        var operatorUser = await tenant.AddUserAsync(Role.SalesManager);
        await tenant.WithDbAsync(db => db.Contacts.ExecuteUpdateAsync(u => u.SetProperty(c => c.OwnerId, operatorUser.Id)));
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, operatorUser);
        await page.GotoAsync($"/surveys/{surveyId}/console");
        await Assertions.Expect(page.Locator("#contact-name")).ToHaveTextAsync("Анна");
        await BrowserFixture.ScreenshotAsync(page, "survey-console-01-call");

        await page.Keyboard.PressAsync("1"); // answered
        await Assertions.Expect(page.GetByText("Согласие на запись разговора")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("1"); // recording: yes
        await page.Keyboard.PressAsync("1"); // identity: Да
        await Assertions.Expect(page.GetByText("Порекомендуете ли вы нас, от 0 до 10?")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("3"); // NPS 3: a detractor, so the follow-up is asked
        await Assertions.Expect(page.Locator("textarea[name='A[why]']")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("Долго везли");
        await BrowserFixture.ScreenshotAsync(page, "survey-console-02-follow-up");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("2"); // delivery: Опоздала
        await Assertions.Expect(page.Locator("#reward-code")).ToHaveTextAsync("SEMENA10");
        await BrowserFixture.ScreenshotAsync(page, "survey-console-03-thanks");
        await page.Keyboard.PressAsync("Enter"); // save

        await Assertions.Expect(page.Locator("#contact-name")).ToHaveTextAsync("Борис");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Звонок сохранён");
        await page.Keyboard.PressAsync("2"); // no answer: saved at once
        await Assertions.Expect(page.Locator("#queue-empty")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "survey-console-04-queue-empty");

        var report = await api.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/{surveyId}/report");
        Assert.Equal((1, 1, -100), (report.GetProperty("responses").GetInt32(), report.GetProperty("detractors").GetInt32(), report.GetProperty("nps").GetInt32()));
        Assert.Equal(1, report.GetProperty("byStep").GetProperty("delivery").GetProperty("Опоздала").GetInt32());
        Assert.Equal(1, report.GetProperty("byStep").GetProperty("why").GetProperty("answered").GetInt32());
    }
}
