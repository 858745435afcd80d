using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Surveys;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Surveys;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Surveys;

/// <summary>
/// The survey flow through api-v1 and the console's service: the queue under the send policy (order, quiet hours in the
/// contact's zone, consent by voice), answers stored, NPS computed, unhappy answers routed, weekly figures and the
/// weekly notification — every figure computed by hand.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SurveyFlowTests(AppFixture app)
{
    private const string Script = """
        {"greeting":"Здравствуйте! Это магазин «Семена».","thanks":"Спасибо! Ваш промокод на скидку:",
         "steps":[
          {"id":"identity","kind":"choice","question":"Я говорю с владельцем номера?","options":["Да","Нет"]},
          {"id":"nps","kind":"nps","question":"Оцените от 0 до 10, порекомендуете ли вы нас?","topic":"product"},
          {"id":"why","kind":"text","question":"Что нам исправить?","showIf":"detractor"},
          {"id":"delivery","kind":"choice","question":"Доставка пришла вовремя?","options":["Вовремя","Опоздала"],"negative":["Опоздала"],"topic":"delivery"}]}
        """;

    private static async Task VoiceConsentAsync(HttpClient api, string phone)
    {
        var response = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone, purpose = "surveys", channel = "voice", legalBasis = "consent",
            evidence = new { method = "web_form", capturedAt = DateTimeOffset.UtcNow.AddDays(-1), ip = "203.0.113.5", sourceUrl = "https://shop.example/survey" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<string> SurveyAsync(HttpClient api, string segmentId)
    {
        using var script = JsonDocument.Parse(Script);
        var response = await api.PostAsJsonAsync("/api/v1/surveys", new { name = "Качество доставки", segmentId, script = script.RootElement, rewardCode = "SEMENA10" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> RespondAsync(HttpClient api, string surveyId, string contactId, string outcome, object? answers = null,
        HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await api.PostAsJsonAsync($"/api/v1/surveys/{surveyId}/responses", new { contactId, outcome, recordingConsent = true, answers });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The operator's next call through the console's service, as the given operator.</summary>
    private Task<ConsoleCall?> NextAsync(TestTenant tenant, string surveyId, Guid operatorId) =>
        app.InTenantAsync(tenant.Id, sp =>
        {
            sp.GetRequiredService<AuditActor>().UserId = operatorId;
            return sp.GetRequiredService<SurveyService>().NextCallAsync(Guid.Parse(surveyId), ContactScope.Full, CancellationToken.None);
        });

    [Fact]
    public async Task Queue_order_quiet_hours_answers_nps_quality_and_weekly_figures()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        // The calling window: from the current hour in Moscow for two hours — open in Moscow, closed in Vladivostok (+7 h).
        var moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");
        var now = DateTimeOffset.UtcNow;
        var local = TimeZoneInfo.ConvertTime(now, moscow);
        var from = new TimeOnly(local.Hour, 0);
        await OpenWindowAsync(api, from: from.ToString("HH:mm", CultureInfo.InvariantCulture), to: from.AddHours(2).ToString("HH:mm", CultureInfo.InvariantCulture));

        var anna = await ContactAsync(api, Phone(1), "Анна", "Москва");
        var boris = await ContactAsync(api, Phone(2), "Борис", "Владивосток");
        var vera = await ContactAsync(api, Phone(3), "Вера", "Москва"); // no surveys consent by voice
        var gleb = await ContactAsync(api, Phone(4), "Глеб", "Москва");
        var dina = await ContactAsync(api, Phone(5), "Дина", "Москва");
        foreach (var n in new[] { 1, 2, 4, 5 }) await VoiceConsentAsync(api, Phone(n));
        await GrantAsync(api, Phone(3), purpose: "surveys"); // by SMS: not a consent to be called
        var surveyId = await SurveyAsync(api, await SegmentAllAsync(api));
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/v1/surveys/{surveyId}/start", null)).StatusCode);

        // Queue: Anna, Gleb, Dina callable now in order of creation; Boris deferred to the window's start in Vladivostok; Vera skipped.
        var queue = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<SurveyService>().QueueAsync(Guid.Parse(surveyId), ContactScope.Full, CancellationToken.None));
        var byContact = queue.ToDictionary(c => c.ContactId.ToString());
        Assert.Equal(("skipped", "noConsent"), (byContact[vera].Status, byContact[vera].SkipReason));
        var vladivostok = TimeZoneInfo.FindSystemTimeZoneById("Asia/Vladivostok");
        var vladLocal = TimeZoneInfo.ConvertTime(now, vladivostok);
        var opens = new DateTimeOffset(vladLocal.Year, vladLocal.Month, vladLocal.Day, from.Hour, 0, 0, TimeSpan.FromHours(10));
        if (opens <= vladLocal) opens = opens.AddDays(1);
        Assert.Equal(("queued", "quietHours", opens.ToUniversalTime()), (byContact[boris].Status, byContact[boris].SkipReason, byContact[boris].DueAt.ToUniversalTime()));
        Assert.Equal([anna, gleb, dina], queue.Where(c => c.DueAt <= DateTimeOffset.UtcNow && c.Status == "queued").Select(c => c.ContactId.ToString()));

        // Operators take the earliest in order; the one holding a call gets it again; nobody gets Boris at night.
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var third = Guid.NewGuid();
        var fourth = Guid.NewGuid();
        Assert.Equal(anna, (await NextAsync(tenant, surveyId, first))!.Contact.Id.ToString());
        Assert.Equal(anna, (await NextAsync(tenant, surveyId, first))!.Contact.Id.ToString());
        var glebCall = (await NextAsync(tenant, surveyId, second))!;
        Assert.Equal((gleb, "SEMENA10"), (glebCall.Contact.Id.ToString(), glebCall.Survey.RewardCode));
        Assert.Equal(dina, (await NextAsync(tenant, surveyId, third))!.Contact.Id.ToString());
        Assert.Null(await NextAsync(tenant, surveyId, fourth));

        // Answers: Anna 3 (detractor), Gleb 10 late delivery (promoter, negative answer), Dina 8 (passive), Boris 9 (promoter), Vera no answer.
        var annaResponse = await RespondAsync(api, surveyId, anna, "answered", new Dictionary<string, object> { ["identity"] = "Да", ["nps"] = 3, ["why"] = "Долго везли", ["delivery"] = "Вовремя" });
        var glebResponse = await RespondAsync(api, surveyId, gleb, "answered", new Dictionary<string, object> { ["identity"] = "Да", ["nps"] = 10, ["delivery"] = "Опоздала" });
        var dinaResponse = await RespondAsync(api, surveyId, dina, "answered", new Dictionary<string, object> { ["nps"] = 8, ["delivery"] = "Вовремя" });
        await RespondAsync(api, surveyId, boris, "answered", new Dictionary<string, object> { ["nps"] = 9 });
        await RespondAsync(api, surveyId, vera, "no_answer");
        var bad = await RespondAsync(api, surveyId, anna, "answered", new Dictionary<string, object> { ["nps"] = 11 }, HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("answers.nps", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsJsonAsync($"/api/v1/surveys/{Guid.NewGuid()}/responses", new { contactId = anna, outcome = "refused" })).StatusCode);

        // Detractor and the negative answer routed, with an owner-less due time of 48 h; the passive not.
        Assert.Equal(JsonValueKind.String, annaResponse.GetProperty("qualityItemId").ValueKind);
        Assert.Equal(JsonValueKind.String, glebResponse.GetProperty("qualityItemId").ValueKind);
        Assert.Equal(JsonValueKind.Null, dinaResponse.GetProperty("qualityItemId").ValueKind);
        var quality = await tenant.WithDbAsync(db => db.QualityItems.AsNoTracking().OrderBy(q => q.CreatedAt).ToListAsync());
        Assert.Equal([QualityReasons.LowNps, QualityReasons.NegativeAnswer], quality.Select(q => q.Reason));
        Assert.All(quality, q => Assert.Equal(q.CreatedAt.AddHours(48), q.DueAt));

        // Stored answers, the queue moved, the unanswered call recorded as an event.
        var stored = await tenant.WithDbAsync(db => db.SurveyResponses.AsNoTracking().SingleAsync(r => r.Id == Guid.Parse(annaResponse.GetProperty("id").GetString()!)));
        Assert.Equal((3, true), (stored.Nps, stored.RecordingConsent));
        using (var answers = JsonDocument.Parse(stored.Answers))
            Assert.Equal(("Долго везли", 3), (answers.RootElement.GetProperty("why").GetString(), answers.RootElement.GetProperty("nps").GetInt32()));
        var unanswered = await tenant.WithDbAsync(db => db.ContactEvents.AsNoTracking().CountAsync(e => e.ContactId == Guid.Parse(vera) && e.Type == "call_unanswered"));
        Assert.Equal(1, unanswered);

        // Report: promoters 2 (10, 9), passives 1 (8), detractors 1 (3); NPS = round(100 × (2 − 1) / 4) = 25.
        var report = await api.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/{surveyId}/report");
        Assert.Equal((4, 25, 2, 1, 1), (report.GetProperty("responses").GetInt32(), report.GetProperty("nps").GetInt32(),
            report.GetProperty("promoters").GetInt32(), report.GetProperty("passives").GetInt32(), report.GetProperty("detractors").GetInt32()));
        Assert.Equal(2, report.GetProperty("byStep").GetProperty("delivery").GetProperty("Вовремя").GetInt32());
        Assert.Equal(1, report.GetProperty("byStep").GetProperty("nps").GetProperty("10").GetInt32());
        var empty = await api.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/{surveyId}/report?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}");
        Assert.Equal((0, JsonValueKind.Null), (empty.GetProperty("responses").GetInt32(), empty.GetProperty("nps").ValueKind));

        // This week: 5 calls, 4 answered (rate 0.8), NPS 25.
        var weeks = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<SurveyReports>().WeeklyAsync(Guid.Parse(surveyId), 2, ContactScope.Full, CancellationToken.None));
        var thisWeek = weeks[^1].Figures;
        Assert.Equal((5, 4, 0.8, 25, 2, 1), (thisWeek.Calls, thisWeek.Responses, thisWeek.ResponseRate!.Value, thisWeek.Nps!.Value, thisWeek.Promoters, thisWeek.Detractors));
        Assert.Equal(0, weeks[0].Figures.Calls);

        // Moved into last week, the job's summary carries the same figures, once.
        await tenant.WithDbAsync(db => db.SurveyResponses.ExecuteUpdateAsync(u => u.SetProperty(r => r.RecordedAt, r => r.RecordedAt.AddDays(-7))));
        var job = () => app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<SurveysWeeklyReportJob>().RunTenantAsync(tenant.Id, CancellationToken.None));
        Assert.Equal(1, (await job()).Changed);
        Assert.Equal(0, (await job()).Changed);
        var note = await tenant.WithDbAsync(db => db.Notifications.AsNoTracking().SingleAsync());
        var summary = WeeklySummary.Parse(note.Body)!;
        Assert.Equal(("Качество доставки", 5, 4, 25, 2, 1), (note.Title, summary.Calls, summary.Responses, summary.Nps!.Value, summary.Promoters, summary.Detractors));
    }

    [Fact]
    public async Task A_sales_manager_calls_and_reads_the_figures_of_their_own_contacts_only()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api);
        // Created first, so an unscoped queue would hand the other owner's contact out first.
        var foreign = await ContactAsync(api, Phone(21), "Чужой", "Москва");
        var own = await ContactAsync(api, Phone(22), "Свой", "Москва");
        foreach (var n in new[] { 21, 22 }) await VoiceConsentAsync(api, Phone(n));
        var manager = await tenant.AddUserAsync(Role.SalesManager);
        await tenant.WithDbAsync(db => db.Contacts.Where(c => c.Id == Guid.Parse(own)).ExecuteUpdateAsync(u => u.SetProperty(c => c.OwnerId, manager.Id)));
        var surveyId = await SurveyAsync(api, await SegmentAllAsync(api));
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/v1/surveys/{surveyId}/start", null)).StatusCode);
        using var session = app.Session();
        await session.SignInAsync(manager);
        var consolePath = $"/surveys/{surveyId}/console";

        // The console hands the manager their own contact, never the earlier one of another owner.
        var console = await HtmlAsync(session, consolePath);
        Assert.Contains("Свой", console, StringComparison.Ordinal);
        Assert.DoesNotContain("Чужой", console, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone(21), console, StringComparison.Ordinal);
        Assert.Contains(">0</span>", console[console.IndexOf("id=\"waiting\"", StringComparison.Ordinal)..], StringComparison.Ordinal);

        // A call saved against the other owner's contact is refused; their own is recorded.
        await session.PostFormAsync(consolePath, new() { ["ContactId"] = foreign, ["Outcome"] = "refused" }, tokenFrom: consolePath);
        Assert.Equal(0, await tenant.WithDbAsync(db => db.SurveyResponses.CountAsync(r => r.ContactId == Guid.Parse(foreign))));
        await session.PostFormAsync(consolePath, new() { ["ContactId"] = own, ["Outcome"] = "answered", ["A[nps]"] = "10" }, tokenFrom: consolePath);
        Assert.Equal(10, await tenant.WithDbAsync(db => db.SurveyResponses.Where(r => r.ContactId == Guid.Parse(own)).Select(r => r.Nps).SingleAsync()));
        Assert.Contains("id=\"queue-empty\"", await HtmlAsync(session, consolePath), StringComparison.Ordinal);

        // The survey page counts the manager's part of the queue only; a marketer sees the other contact still queued.
        using var marketer = await tenant.SignInAsync(Role.Marketer);
        Assert.Matches("data-status=\"queued\">0<", await HtmlAsync(session, $"/surveys/{surveyId}"));
        Assert.Matches("data-status=\"queued\">1<", await HtmlAsync(marketer, $"/surveys/{surveyId}"));

        // The other contact answers 0 through the API: the manager's report holds their own promoter only (NPS 100), the tenant's both (0).
        await RespondAsync(api, surveyId, foreign, "answered", new Dictionary<string, object> { ["nps"] = 0 });
        Assert.Equal("100", TotalNps(await HtmlAsync(session, $"/surveys/{surveyId}/report")));
        Assert.Equal("0", TotalNps(await HtmlAsync(marketer, $"/surveys/{surveyId}/report")));
        // This week in the CSV: calls, responses, rate, NPS, promoters, passives, detractors.
        Assert.EndsWith(",1,1,1,100,1,0,0", (await session.Client.GetStringAsync($"/surveys/{surveyId}/report.csv?csv=comma")).TrimEnd());
        Assert.EndsWith(",2,2,1,0,1,0,1", (await marketer.Client.GetStringAsync($"/surveys/{surveyId}/report.csv?csv=comma")).TrimEnd());

        // The quality queue (whom to call back about a bad answer) is not a sales manager's.
        var quality = await session.GetAsync("/surveys/quality");
        Assert.True(quality.StatusCode == HttpStatusCode.Forbidden || quality.Headers.Location?.OriginalString.Contains("/account/access-denied", StringComparison.Ordinal) == true);
    }

    private static async Task<string> HtmlAsync(UiSession session, string path) => WebUtility.HtmlDecode(await session.Client.GetStringAsync(path));

    private static string TotalNps(string reportHtml) => Regex.Match(reportHtml, "id=\"total-nps\">([^<]*)<").Groups[1].Value;

    [Fact]
    public async Task A_bad_script_is_400_by_field_and_another_tenants_survey_is_404()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        using var api = tenant.Api();
        using var otherApi = other.Api();
        var segmentId = await SegmentAllAsync(api);
        var bad = await api.PostAsJsonAsync("/api/v1/surveys", new { name = "Плохой", segmentId, script = new { steps = new[] { new { id = "q", kind = "choice", question = "Да?", options = new[] { "Да" } } } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("script.steps[0].options", out _));

        var surveyId = await SurveyAsync(api, segmentId);
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.PostAsync($"/api/v1/surveys/{surveyId}/start", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.GetAsync($"/api/v1/surveys/{surveyId}/report")).StatusCode);
    }
}
