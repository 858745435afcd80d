using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Surveys;
using PhoneCrm.Domain.Time;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Export;
using PhoneCrm.Infrastructure.Jobs;

namespace PhoneCrm.Infrastructure.Surveys;

/// <summary>
/// Survey reports: the api-v1 report over a period, the weekly figures (weeks from Monday in the tenant's zone) for the
/// report page, its chart and CSV, and the in-app notifications the weekly job posts. Figures are computed by the one
/// pure definition, <see cref="SurveyFigures"/>. A reader whose contact scope is their own contacts (a sales manager) gets the
/// figures of their own contacts' calls only.
/// </summary>
public sealed class SurveyReports(PhoneCrmDbContext db, ContactService contacts, AuditLog audit, TimeProvider clock)
{
    public const string NotificationKind = "survey_weekly";

    /// <summary>The figures of responses recorded in [<paramref name="from"/>, <paramref name="to"/>); null bounds are open.</summary>
    public async Task<SurveyFigures?> ReportAsync(Guid surveyId, DateTimeOffset? from, DateTimeOffset? to, ContactScope scope, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var survey = await db.Surveys.AsNoTracking().SingleOrDefaultAsync(s => s.Id == surveyId, ct);
        if (survey is null) return null;
        return SurveyFigures.Of(SurveyScript.FromJson(survey.Script), await FactsAsync(surveyId, from, to, scope.OwnerOnly, ct));
    }

    /// <param name="owner">Only the responses of this owner's contacts; null: all.</param>
    private async Task<List<ResponseFacts>> FactsAsync(Guid surveyId, DateTimeOffset? from, DateTimeOffset? to, Guid? owner, CancellationToken ct)
    {
        var responses = db.SurveyResponses.AsNoTracking()
            .Where(r => r.SurveyId == surveyId && (from == null || r.RecordedAt >= from) && (to == null || r.RecordedAt < to));
        if (owner is { } o) responses = responses.Where(r => db.Contacts.Any(c => c.Id == r.ContactId && c.OwnerId == o));
        var rows = await responses
            .Select(r => new { r.Outcome, r.Nps, r.Answers, r.RecordedAt })
            .ToListAsync(ct);
        return rows.Select(r => new ResponseFacts(r.Outcome, r.Nps, JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(r.Answers)!, r.RecordedAt)).ToList();
    }

    /// <summary>The last <paramref name="weeks"/> weeks up to the current one, oldest first.</summary>
    public async Task<IReadOnlyList<WeeklyFigures>> WeeklyAsync(Guid surveyId, int weeks, ContactScope scope, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var survey = await db.Surveys.AsNoTracking().SingleOrDefaultAsync(s => s.Id == surveyId, ct);
        if (survey is null) return [];
        var zone = await ZoneAsync(ct);
        var current = WeekStart(clock.GetUtcNow(), zone);
        var first = current.AddDays(-7 * (weeks - 1));
        var facts = await FactsAsync(surveyId, WallClock.StartOf(first, zone), null, scope.OwnerOnly, ct);
        var script = SurveyScript.FromJson(survey.Script);
        return Enumerable.Range(0, weeks).Select(i => first.AddDays(7 * i))
            .Select(w => new WeeklyFigures(w, SurveyFigures.Of(script, facts.Where(f => WeekStart(f.RecordedAt, zone) == w).ToList())))
            .ToList();
    }

    /// <summary>The Monday (in <paramref name="zone"/>) of the week holding <paramref name="at"/>.</summary>
    public static DateOnly WeekStart(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        return local.AddDays(-(((int)local.DayOfWeek + 6) % 7));
    }

    private async Task<TimeZoneInfo> ZoneAsync(CancellationToken ct)
    {
        var tenant = await contacts.TenantAsync(ct);
        return TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
    }

    public static readonly IReadOnlyList<string> CsvHeader = ["week", "calls", "responses", "responseRate", "nps", "promoters", "passives", "detractors"];

    /// <summary>The weekly figures as CSV, one row a week (aggregates only); audited as an export.</summary>
    public async Task WriteWeeklyCsvAsync(Guid surveyId, int weeks, ContactScope scope, Stream output, CsvDialect dialect, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(dialect);
        var rows = await WeeklyAsync(surveyId, weeks, scope, ct);
        await using (var writer = new StreamWriter(output, dialect.Encoding, 16 * 1024, leaveOpen: true))
        {
            var csv = new CsvRowWriter(writer, dialect);
            await csv.WriteRowAsync([.. CsvHeader]);
            foreach (var w in rows)
            {
                var f = w.Figures;
                await csv.WriteRowAsync(w.WeekStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), N(f.Calls), N(f.Responses),
                    f.ResponseRate?.ToString("0.####", CultureInfo.InvariantCulture), f.Nps is { } n ? N(n) : "", N(f.Promoters), N(f.Passives), N(f.Detractors));
            }
        }

        await audit.WriteAsync(AuditActions.Export, "survey_report", surveyId.ToString(), $"weeks={weeks}", ct);
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Posts last week's summary of every survey with calls that week as an in-app notification, once per survey and week
    /// (a re-run finds the notification by its key). Returns how many were posted.
    /// </summary>
    public async Task<int> PostWeeklySummariesAsync(CancellationToken ct = default)
    {
        var zone = await ZoneAsync(ct);
        var lastWeek = WeekStart(clock.GetUtcNow(), zone).AddDays(-7);
        var from = WallClock.StartOf(lastWeek, zone);
        var to = WallClock.StartOf(lastWeek.AddDays(7), zone);
        var surveys = await db.Surveys.AsNoTracking()
            .Where(s => db.SurveyResponses.Any(r => r.SurveyId == s.Id && r.RecordedAt >= from && r.RecordedAt < to)).ToListAsync(ct);
        var posted = 0;
        foreach (var s in surveys)
        {
            var key = $"surveys-weekly:{s.Id:N}:{lastWeek:yyyy-MM-dd}";
            if (await db.Notifications.AnyAsync(n => n.DedupKey == key, ct)) continue;
            var f = SurveyFigures.Of(SurveyScript.FromJson(s.Script), await FactsAsync(s.Id, from, to, null, ct));
            db.Notifications.Add(new Notification
            {
                Kind = NotificationKind, Permission = nameof(Permission.SurveysRead), Title = s.Name, DedupKey = key, CreatedAt = clock.GetUtcNow(),
                Body = JsonSerializer.Serialize(new WeeklySummary(s.Id, lastWeek, f.Calls, f.Responses, f.Nps, f.Promoters, f.Detractors)),
            });
            await db.SaveChangesAsync(ct);
            posted++;
        }

        return posted;
    }

    /// <summary>The latest notifications the holder of <paramref name="permissions"/> may see, newest first.</summary>
    public async Task<IReadOnlyList<Notification>> NotificationsAsync(IReadOnlyCollection<string> permissions, int limit, CancellationToken ct = default) =>
        await db.Notifications.AsNoTracking().Where(n => permissions.Contains(n.Permission)).OrderByDescending(n => n.CreatedAt).Take(limit).ToListAsync(ct);
}

/// <summary>A weekly survey notification's figures (its body), so the page words it in the reader's language.</summary>
public sealed record WeeklySummary(Guid SurveyId, DateOnly WeekStart, int Calls, int Responses, int? Nps, int Promoters, int Detractors)
{
    public static WeeklySummary? Parse(string body)
    {
        try { return JsonSerializer.Deserialize<WeeklySummary>(body); }
        catch (JsonException) { return null; }
    }
}

/// <summary><c>surveys-weekly-report</c> (Mondays): posts last week's summary of each survey as an in-app notification.</summary>
public sealed class SurveysWeeklyReportJob(SurveyReports reports) : ITenantJob
{
    public const string JobId = "surveys-weekly-report";

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<SurveysWeeklyReportJob>(JobId, "0 7 * * 1",
        "Posts last week's survey summary (NPS, calls, answers) as an in-app notification");

    public async Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct) =>
        TenantJobResult.Of(new Dictionary<string, int> { ["notified"] = await reports.PostWeeklySummariesAsync(ct) });
}
