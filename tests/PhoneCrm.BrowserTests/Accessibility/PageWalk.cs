using System.Text.RegularExpressions;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.BrowserTests.Accessibility;

/// <summary>
/// One tenant with something on every page (contacts with Cyrillic names, consents, a finished and a draft campaign, a
/// template, a segment, an import with a rejected row, a request, a breach, a capture form), one user per role, and a
/// walk over every page each role can open — the menu's items as the menu draws them, plus the detail pages listed here —
/// in Russian and in English. Made once for the assembly: the accessibility and the language tests read the same walk.
/// </summary>
public sealed class PageWalk
{
    private static readonly SemaphoreSlim _gate = new(1, 1);
    private static PageWalk? _done;

    /// <summary>Pages the menu links to that are not ours to check: the Hangfire dashboard and the API reference.</summary>
    private static readonly string[] _foreignPages = ["/jobs", "/api/docs"];

    public sealed record Visit(string Who, string Language, string Path, IReadOnlyList<string> AxeViolations, IReadOnlyList<string> ForeignText);

    public required TestTenant Tenant { get; init; }
    public required IReadOnlyDictionary<Role, TestUser> Users { get; init; }
    public required IReadOnlyList<(string Path, Permission? Permission)> DetailPages { get; init; }
    public required IReadOnlyList<string> PublicPages { get; init; }
    public required string DraftCampaignPath { get; init; }
    public List<Visit> Visits { get; } = [];

    /// <summary>The main forms submitted empty or wrong, in both languages: their messages, read like any page.</summary>
    public List<Visit> FormVisits { get; } = [];
    public TimeSpan Took { get; private set; }

    public static async Task<PageWalk> OnceAsync(BrowserFixture app)
    {
        await _gate.WaitAsync();
        try
        {
            if (_done is not null) return _done;
            var started = System.Diagnostics.Stopwatch.StartNew();
            var walk = await MakeWorldAsync(app);
            await walk.WalkAsync(app);
            await walk.SubmitFormsAsync(app);
            walk.Took = started.Elapsed;
            return _done = walk;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<PageWalk> MakeWorldAsync(BrowserFixture app)
    {
        var tenant = await app.CreateTenantAsync("Сад и огород «Ромашка»");
        var users = new Dictionary<Role, TestUser>();
        foreach (var role in Enum.GetValues<Role>()) users[role] = await tenant.AddUserAsync(role);

        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
        async Task<JsonElement> PostAsync(string path, object body)
        {
            var response = await api.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        (await api.PutAsJsonAsync("/api/v1/settings/sending", new
        {
            timeZone = "Europe/Moscow",
            marketingWindow = new { from = "00:00", to = "00:00", days = new[] { "mon", "tue", "wed", "thu", "fri", "sat", "sun" } },
            caps = new { perDay = 5, informationalPerWeek = 5, promotionalPerMonth = 5 },
        })).EnsureSuccessStatusCode();

        string[] names = ["Анна", "Борис", "Вера"];
        var contactIds = new List<Guid>();
        for (var i = 0; i < names.Length; i++)
        {
            var phone = $"+7916777{i:D4}";
            await PostAsync("/api/v1/consents", new
            {
                phone, purpose = "marketing", channel = "sms", legalBasis = "consent",
                evidence = new { method = "web_form", ip = "203.0.113.5", sourceUrl = "https://shop.example/checkout" },
            });
            var contact = await PostAsync("/api/v1/contacts", new
            {
                phone, firstName = names[i], lastName = "Смирнова", email = $"client{i}@shop.example", city = "Казань", tags = new[] { "сад" },
            });
            contactIds.Add(contact.GetProperty("id").GetGuid());
            await PostAsync("/api/v1/consents", new
            {
                phone, purpose = "surveys", channel = "voice", legalBasis = "consent",
                evidence = new { method = "web_form", ip = "203.0.113.5", sourceUrl = "https://shop.example/survey" },
            });
        }

        var contactId = contactIds[0];
        var unconsented = (await PostAsync("/api/v1/contacts", new { phone = "+79167779999", firstName = "Без согласия", tags = new[] { "сад" } }))
            .GetProperty("id").GetGuid();
        await PostAsync("/api/v1/events", new
        {
            type = "order_placed", externalId = "order-1001", phone = "+79167770000", occurredAt = DateTimeOffset.UtcNow.AddDays(-2),
            data = new { orderId = "1001", amount = 4990.00m, currency = "RUB", items = new[] { new { sku = "SEED-1", name = "Семена томатов", category = "сад", price = 4990.00m, quantity = 1 } } },
        });
        var segmentId = (await PostAsync("/api/v1/segments", new { name = "Садоводы", rule = new { field = "tags", op = "contains", value = "сад" } }))
            .GetProperty("id").GetGuid();
        await PostAsync("/api/v1/audiences/exports", new { segmentId, format = "meta" }); // the Audiences page lists it
        var surveyId = await SurveyAsync(PostAsync, segmentId, unconsented);
        const string text = "{{firstName|Друг}}, скидка 30% на семена по коду SNEG23. Отписка: СТОП";
        var finishedId = (await PostAsync("/api/v1/campaigns", new { name = "Весенние семена", segmentId, purpose = "marketing", text }))
            .GetProperty("id").GetGuid();
        await PostAsync($"/api/v1/campaigns/{finishedId}/start", new { });
        var draftId = (await PostAsync("/api/v1/campaigns", new { name = "Черновик осени", segmentId, purpose = "marketing", text }))
            .GetProperty("id").GetGuid();

        using var csv = new MultipartFormDataContent
        {
            { new ByteArrayContent("phone,first_name\n+79167771001,Галина\nне номер,Дмитрий\n"u8.ToArray()), "file", "клиенты.csv" },
        };
        var imported = await api.PostAsync("/api/v1/imports", csv);
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        var importId = (await imported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var requestId = (await PostAsync("/api/v1/subject-requests",
            new { type = "access", phone = "+79167770001", fullName = "Борис Смирнов", channel = "letter" })).GetProperty("id").GetGuid();
        var form = await PhoneCrm.IntegrationTests.Consent.CaptureFormTests.CreateFormAsync(tenant);

        using var officer = Session(app);
        await officer.SignInAsync(users[Role.ComplianceOfficer]);
        var moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");
        string Local(double hoursAgo) => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(-hoursAgo), moscow)
            .ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        var breach = await officer.PostFormAsync("/breaches", new()
        {
            ["Description"] = "Копия базы клиентов оказалась в открытом доступе.", ["DetectedAt"] = Local(2), ["OccurredAt"] = Local(30),
            ["Categories"] = "phone", ["SubjectsAffected"] = "120", ["PresumedCause"] = "Ошибка настройки", ["Measures"] = "Доступ закрыт.",
            ["ContactPerson"] = "Иванова Мария, +7 495 000-00-00",
        }, tokenFrom: "/breaches/new");
        Assert.Equal(HttpStatusCode.Redirect, breach.StatusCode);
        var breachPath = breach.Headers.Location!.OriginalString;

        using var admin = Session(app);
        await admin.SignInAsync(users[Role.Admin]);
        var template = await admin.PostFormAsync("/templates/new", new()
        {
            ["Name"] = "Скидка на семена", ["Purpose"] = "marketing", ["Category"] = "promotional", ["Text"] = text,
        }, "/templates/new");
        Assert.Equal(HttpStatusCode.Redirect, template.StatusCode);
        var templatePath = template.Headers.Location!.OriginalString;
        // The sales manager sees only the contacts they own: give them the card the walk opens, and Вера — the survey
        // console hands Анна to the Admin and Борис to the Marketer (the walk's order), Вера to the sales manager.
        foreach (var own in new[] { contactId, contactIds[2] })
        {
            var owned = await admin.PostFormAsync($"/contacts/{own}/owner",
                new() { ["ownerId"] = users[Role.SalesManager].Id.ToString() }, $"/contacts/{own}");
            Assert.Equal(HttpStatusCode.Redirect, owned.StatusCode);
        }

        var messageId = await WaitForSentMessageAsync(api, finishedId);
        var preferences = await app.InTenantAsync(tenant.Id, sp => Task.FromResult(sp.GetRequiredService<PreferenceLinks>().LinkFor(contactId, app.BaseUrl)));

        return new PageWalk
        {
            Tenant = tenant,
            Users = users,
            DetailPages =
            [
                ($"/contacts/{contactId}", Permission.ContactsRead),
                ($"/contacts/{contactId}?tab=consents", Permission.ContactsRead),
                ($"/contacts/{contactId}?tab=messages", Permission.ContactsRead),
                ($"/contacts/{contactId}?tab=orders", Permission.ContactsRead),
                ("/contacts/new", Permission.ContactsWrite),
                ("/contacts/import", Permission.ContactsImport),
                ($"/contacts/import/{importId}", Permission.ContactsImport),
                ($"/consent/proof/{contactId}/html", Permission.ConsentRead),
                ($"/consent/message-proof/{messageId}", Permission.ConsentRead),
                ("/segments/new", Permission.SegmentsWrite),
                ($"/segments/{segmentId}", Permission.SegmentsRead),
                ("/templates/new", Permission.CampaignsWrite),
                (templatePath, Permission.CampaignsRead),
                ("/campaigns/new", Permission.CampaignsWrite),
                ($"/campaigns/{finishedId}", Permission.CampaignsRead),
                ($"/campaigns/{finishedId}/recipients", Permission.CampaignsRead),
                ($"/campaigns/{draftId}", Permission.CampaignsRead),
                ($"/campaigns/{draftId}/edit", Permission.CampaignsWrite),
                ("/automations/birthday", Permission.CampaignsRead),
                ($"/analytics/campaigns/{finishedId}", Permission.AnalyticsRead),
                ("/surveys/new", Permission.SurveysManage),
                ($"/surveys/{surveyId}", Permission.SurveysRead),
                ($"/surveys/{surveyId}/console", Permission.SurveysCall),
                ($"/surveys/{surveyId}/report", Permission.SurveysRead),
                ("/surveys/quality", Permission.SurveysManage),
                ($"/audiences?segmentId={segmentId}", Permission.AudiencesExport),
                ("/settings/consent/forms", Permission.ConsentManage),
                ($"/settings/consent/forms/{form.Id}", Permission.ConsentManage),
                ("/requests/new", Permission.RequestsManage),
                ("/requests/terms", Permission.RequestsManage),
                ($"/requests/{requestId}", Permission.RequestsView),
                ($"/requests/access-report/{contactId}", Permission.RequestsManage),
                ("/breaches/new", Permission.BreachesManage),
                (breachPath, Permission.BreachesManage),
                ($"{breachPath}/edit", Permission.BreachesManage),
                ($"{breachPath}/notices/initial", Permission.BreachesManage),
                ("/", null),
            ],
            DraftCampaignPath = $"/campaigns/{draftId}",
            PublicPages = ["/account/login", $"/f/{tenant.Id}/{form.Key}", new Uri(preferences).PathAndQuery, $"/dsr/{tenant.Id}"],
        };
    }

    /// <summary>
    /// A running survey of the segment with every kind of step (its call queue: the three contacts with a consent to be
    /// called), and one answered call with a low score recorded through the API, so the report has figures and the
    /// quality queue a follow-up.
    /// </summary>
    private static async Task<Guid> SurveyAsync(Func<string, object, Task<JsonElement>> post, Guid segmentId, Guid respondent)
    {
        using var script = JsonDocument.Parse("""
            {"greeting":"Здравствуйте! Это «Ромашка».","thanks":"Спасибо за ответы!",
             "steps":[{"id":"identity","kind":"choice","question":"Я говорю с владельцем номера?","options":["Да","Нет"]},
                      {"id":"nps","kind":"nps","question":"Порекомендуете ли вы нас, от 0 до 10?","topic":"product"},
                      {"id":"why","kind":"text","question":"Что нам исправить?","showIf":"detractor"},
                      {"id":"delivery","kind":"choice","question":"Доставка пришла вовремя?","options":["Вовремя","Опоздала"],"negative":["Опоздала"],"topic":"delivery"}]}
            """);
        var surveyId = (await post("/api/v1/surveys", new { name = "Качество доставки", segmentId, script = script.RootElement.Clone(), rewardCode = "ROMASHKA10" }))
            .GetProperty("id").GetGuid();
        await post($"/api/v1/surveys/{surveyId}/start", new { });
        await post($"/api/v1/surveys/{surveyId}/responses", new
        {
            contactId = respondent, outcome = "answered", recordingConsent = true,
            answers = new Dictionary<string, object> { ["nps"] = 4, ["why"] = "Долго везли", ["delivery"] = "Опоздала" },
        });
        return surveyId;
    }

    /// <summary>A form-posting session against the fixture's Kestrel address (the factory's own client talks to its test server).</summary>
    private static UiSession Session(BrowserFixture app) =>
        new(new HttpClient(new LoopbackCookieHandler()) { BaseAddress = new Uri(app.BaseUrl) });

    private static async Task<Guid> WaitForSentMessageAsync(HttpClient api, Guid campaignId)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var recipients = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}/recipients?outcome=sent");
            foreach (var item in recipients.GetProperty("items").EnumerateArray())
            {
                if (item.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String) return id.GetGuid();
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("The walk's campaign sent nothing in a minute.");
    }

    private async Task WalkAsync(BrowserFixture app)
    {
        var axe = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Accessibility", "axe-core", "axe.min.js"));
        foreach (var (role, user) in Users)
        {
            var page = await SignedInAsync(app, user, axe);
            var menu = await page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('nav.app-navbar a[href^=\"/\"]')].map(a => a.getAttribute('href'))");
            var roles = new[] { role };
            var paths = menu.Concat(DetailPages.Where(d => d.Permission is not { } p || RolePermissions.AllowsAny(roles, p)).Select(d => d.Path))
                .Where(p => !_foreignPages.Any(f => p.StartsWith(f, StringComparison.Ordinal))).Distinct().ToList();
            foreach (var language in new[] { "ru", "en" })
            {
                await SetLanguageAsync(page, language, app.BaseUrl);
                foreach (var path in paths) Visits.Add(await VisitAsync(page, role.ToString(), language, path, axe: language == "ru"));
            }

            await page.Context.CloseAsync();
        }

        var visitor = await NewPageAsync(app, axe);
        foreach (var language in new[] { "ru", "en" })
        {
            await SetLanguageAsync(visitor, language, app.BaseUrl);
            foreach (var path in PublicPages) Visits.Add(await VisitAsync(visitor, "visitor", language, path, axe: language == "ru"));
        }

        await visitor.Context.CloseAsync();
    }

    /// <summary>
    /// A form and what to put in it: field selectors with wrong values (an empty form when none); the browser's own
    /// checks are switched off so the server's messages are the ones shown, as they are for any client.
    /// </summary>
    private sealed record FormCase(string Path, string Form, Dictionary<string, string>? Fill = null, string? Submit = null);

    private IEnumerable<FormCase> Forms() =>
    [
        new("/contacts/new", "form[action='/contacts/new']", new() { ["#phone"] = "не номер", ["#email"] = "nobody@" }),
        new("/segments/new", "#segment-form", new() { ["#rule"] = """{"all":[{"field":"city","op":"eq","value":5}]}""" }),
        new("/templates/new", "#template-form", new() { ["#Text"] = "Скидка 30% на семена" }),
        new("/campaigns/new", "#campaign-form"),
        new("/campaigns/new", "#campaign-form", new() { ["#name"] = "Осень", ["#text"] = "Скидка {{promo}}" }),
        new(DraftCampaignPath, "#test-form", new() { ["#phones"] = "123, abc" }),
        new("/contacts/import", "#upload-form"),
        new("/settings/sending", "#sending-settings", new() { ["#timeZone"] = "Mars/Olympus", ["#from"] = "", ["#perDay"] = "-1" }),
        new("/settings/api-keys", "form[action='/settings/api-keys']"),
        new("/settings/users", "#invite-form"),
        new("/requests/new", "#intake-form", new() { ["#Phone"] = "12" }),
        new("/breaches/new", "#breach-form"),
        new("/automations/birthday", "#automation-form", new() { ["#Text"] = "", ["#DelayMinutes"] = "-5" }),
        new("/messaging/simulator", "#simulator-reply", new() { ["#Text"] = "" }),
        new("/settings/consent/forms", "#capture-form-editor"),
        new("/settings/operator", "#operator-form", new() { ["#legalName"] = "" }),
        new($"/dsr/{Tenant.Id}", "#dsr-form", new() { ["#Phone"] = "12", ["#Email"] = "nobody@" }),
        new(PublicPages[1], "#capture-form", new() { ["#Phone"] = "12" }),
    ];

    private async Task SubmitFormsAsync(BrowserFixture app)
    {
        var page = await SignedInAsync(app, Users[Role.Admin], axe: null);
        foreach (var language in new[] { "ru", "en" })
        {
            await SetLanguageAsync(page, language, app.BaseUrl);
            foreach (var form in Forms()) FormVisits.Add(await SubmitAsync(page, language, form));
        }

        await page.Context.CloseAsync();
    }

    private static async Task<Visit> SubmitAsync(IPage page, string language, FormCase form)
    {
        var where = $"{form.Path} {form.Form}{(form.Fill is null ? " (empty)" : " " + string.Join(", ", form.Fill.Select(f => $"{f.Key}={f.Value}")))}";
        await page.GotoAsync(form.Path, new() { Timeout = 60_000 });
        await page.EvaluateAsync("""
            ([selector, fill]) => {
              const form = document.querySelector(selector);
              form.noValidate = true;
              for (const [field, value] of Object.entries(fill)) {
                const el = document.querySelector(field);
                el.removeAttribute('required');
                el.value = value;
              }
            }
            """, new object[] { form.Form, form.Fill ?? new Dictionary<string, string>() });
        var submit = page.Locator(form.Form).Locator(form.Submit ?? "[type=submit]").First;
        await page.RunAndWaitForResponseAsync(() => submit.ClickAsync(), r => r.Request.Method == "POST");
        await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => !document.querySelector('.htmx-request')", null, new() { Timeout = 30_000 });
        if (form.Path is "/segments/new" or "/settings/sending" || form.Form == "#campaign-form" && form.Fill is null)
            await BrowserFixture.ScreenshotAsync(page, $"walk-form{form.Path.Replace('/', '-')}-{language}");
        var shown = await page.Locator(".invalid-feedback:visible, .text-danger:visible, .alert-danger:visible, .alert-warning:visible, #test-results").CountAsync();
        var texts = (await page.EvaluateAsync<JsonElement>(PageLanguage.CollectScript)).EnumerateArray()
            .Select(t => new UiText(t.GetProperty("text").GetString() ?? "", t.GetProperty("where").GetString() ?? ""));
        var foreign = PageLanguage.Foreign(texts, language).ToList();
        if (shown == 0) foreign.Add($"no message shown after the submit (at {page.Url})");
        return new Visit("Admin", language, where, [], foreign);
    }

    /// <summary>
    /// A signed-in page; a second try on a timeout (on two cores beside the other suites a sign-in has taken over 30 s,
    /// and an authenticator code is accepted once per 30 s step, so the retry waits for the next one).
    /// </summary>
    private static async Task<IPage> SignedInAsync(BrowserFixture app, TestUser user, string? axe)
    {
        for (var attempt = 1; ; attempt++)
        {
            var page = axe is null ? await app.NewPageAsync() : await NewPageAsync(app, axe);
            try
            {
                await BrowserFixture.SignInAsync(page, user);
                await Assertions.Expect(page).Not.ToHaveURLAsync(new Regex("/account/login"));
                return page;
            }
            catch (PlaywrightException) when (attempt == 1) // a timeout, or an address assertion that ran out of time
            {
                await page.Context.CloseAsync();
                await Task.Delay(TimeSpan.FromSeconds(30));
            }
        }
    }

    private static async Task<IPage> NewPageAsync(BrowserFixture app, string axe)
    {
        var page = await app.NewPageAsync();
        // Injected by the browser itself, not served by the app: the page's own content security policy does not apply.
        await page.Context.AddInitScriptAsync(axe);
        return page;
    }

    /// <summary>The language as the switch in the header sets it: the culture cookie.</summary>
    public static Task SetLanguageAsync(IPage page, string language, string baseUrl) =>
        page.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie
        {
            Name = ".AspNetCore.Culture", Value = Uri.EscapeDataString(language == "ru" ? "c=ru-RU|uic=ru-RU" : "c=en-US|uic=en-US"), Url = baseUrl,
        }]);

    private static async Task<Visit> VisitAsync(IPage page, string who, string language, string path, bool axe)
    {
        var response = await page.GotoAsync(path, new() { Timeout = 60_000 });
        if (response is null || response.Status >= 400 || page.Url.Contains("/account/access-denied", StringComparison.Ordinal)
            || (who != "visitor" && page.Url.Contains("/account/login", StringComparison.Ordinal)))
            return new Visit(who, language, path, [], [$"the page did not open: {response?.Status} at {page.Url}"]);
        await page.WaitForFunctionAsync("() => !document.querySelector('.htmx-request')", null, new() { Timeout = 30_000 });
        var violations = axe ? await AxeAsync(page) : [];
        if (ReviewShot(who, path) is { } shot) await BrowserFixture.ScreenshotAsync(page, $"walk-{shot}-{language}");
        var texts = (await page.EvaluateAsync<JsonElement>(PageLanguage.CollectScript)).EnumerateArray()
            .Select(t => new UiText(t.GetProperty("text").GetString() ?? "", t.GetProperty("where").GetString() ?? ""));
        return new Visit(who, language, path, violations, PageLanguage.Foreign(texts, language));
    }

    /// <summary>A few pages kept as screenshots for review (the contact card's sections, a campaign, the audit log, the public form).</summary>
    private static string? ReviewShot(string who, string path) => (who, path) switch
    {
        ("Admin", var p) when p.StartsWith("/contacts/", StringComparison.Ordinal) && p.EndsWith("?tab=consents", StringComparison.Ordinal) => "card-consents",
        ("Admin", var p) when p.StartsWith("/campaigns/", StringComparison.Ordinal) && p.EndsWith("/recipients", StringComparison.Ordinal) => "campaign-recipients",
        ("Admin", "/segments") => "segments",
        ("SalesManager", var p) when p.EndsWith("/console", StringComparison.Ordinal) => "survey-console",
        ("Admin", var p) when p.StartsWith("/surveys/", StringComparison.Ordinal) && p.EndsWith("/report", StringComparison.Ordinal) => "survey-report",
        ("ComplianceOfficer", "/audit") => "audit",
        ("visitor", var p) when p.StartsWith("/f/", StringComparison.Ordinal) => "capture-form",
        _ => null,
    };

    private static async Task<IReadOnlyList<string>> AxeAsync(IPage page)
    {
        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' ' + n.html.slice(0, 160) + (n.failureSummary ? ' — ' + n.failureSummary.replace(/\s+/g, ' ').slice(0, 200) : '')) }));
            }
            """);
        return result.EnumerateArray().SelectMany(v => v.GetProperty("nodes").EnumerateArray()
            .Select(n => $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}: {v.GetProperty("help").GetString()}): {n.GetString()}")).ToList();
    }

    public sealed record UiText(string Text, string Where);
}
