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
    public List<Visit> Visits { get; } = [];
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
        var contactId = Guid.Empty;
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
            if (i == 0) contactId = contact.GetProperty("id").GetGuid();
        }

        await PostAsync("/api/v1/contacts", new { phone = "+79167779999", firstName = "Без согласия", tags = new[] { "сад" } });
        await PostAsync("/api/v1/events", new
        {
            type = "order_placed", externalId = "order-1001", phone = "+79167770000", occurredAt = DateTimeOffset.UtcNow.AddDays(-2),
            data = new { orderId = "1001", amount = 4990.00m, currency = "RUB", items = new[] { new { sku = "SEED-1", name = "Семена томатов", category = "сад", price = 4990.00m, quantity = 1 } } },
        });
        var segmentId = (await PostAsync("/api/v1/segments", new { name = "Садоводы", rule = new { field = "tags", op = "contains", value = "сад" } }))
            .GetProperty("id").GetGuid();
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
        // The sales manager sees only the contacts they own: give them the card the walk opens.
        var owned = await admin.PostFormAsync($"/contacts/{contactId}/owner",
            new() { ["ownerId"] = users[Role.SalesManager].Id.ToString() }, $"/contacts/{contactId}");
        Assert.Equal(HttpStatusCode.Redirect, owned.StatusCode);

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
            PublicPages = ["/account/login", $"/f/{tenant.Id}/{form.Key}", new Uri(preferences).PathAndQuery, $"/dsr/{tenant.Id}"],
        };
    }

    /// <summary>A form-posting session against the fixture's Kestrel address (the factory's own client talks to its test server).</summary>
    private static UiSession Session(BrowserFixture app) =>
        new(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(app.BaseUrl) });

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
            var page = await NewPageAsync(app, axe);
            await BrowserFixture.SignInAsync(page, user);
            await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
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
        var texts = (await page.EvaluateAsync<JsonElement>(PageLanguage.CollectScript)).EnumerateArray()
            .Select(t => new UiText(t.GetProperty("text").GetString() ?? "", t.GetProperty("where").GetString() ?? ""));
        return new Visit(who, language, path, violations, PageLanguage.Foreign(texts, language));
    }

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
