using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Analytics;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Analytics;

/// <summary>api-v1 "Analytics": automations and their stats, campaigns and automations compared, acquisition sources.</summary>
[Tags("Analytics")]
public sealed class AnalyticsApiController(AnalyticsReports reports, TimeProvider clock) : ApiV1Controller
{
    /// <summary>The default period when <c>from</c>/<c>to</c> are not given: the last 90 days.</summary>
    public const int DefaultPeriodDays = 90;

    public sealed record AutomationList(IReadOnlyList<AutomationItem> Items);

    public sealed record ComparedItem(string Id, string Name, string Kind, DateTime? StartedAt, AnalyticsStats Stats);

    public sealed record ComparedList(IReadOnlyList<ComparedItem> Items);

    public sealed record SourceItem(string Channel, string? Detail, long Contacts, long WithMarketingConsent, long Buyers, decimal Revenue);

    public sealed record SourceList(IReadOnlyList<SourceItem> Items);

    [HttpGet("automations")]
    [RequirePermission(Permission.AnalyticsRead)]
    [ProducesResponseType<AutomationList>(StatusCodes.Status200OK)]
    public async Task<IActionResult> AutomationsAsync(CancellationToken ct) => Ok(new AutomationList(await reports.AutomationsAsync(ct)));

    /// <summary>The automation's figures over all its messages; <c>id</c> is its kind (<c>cart_abandoned</c>).</summary>
    [HttpGet("automations/{id}/stats")]
    [RequirePermission(Permission.AnalyticsRead)]
    [ProducesResponseType<AnalyticsStats>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> AutomationStatsAsync(string id, CancellationToken ct) =>
        await reports.AutomationStatsAsync(id, ct) is { } stats ? Ok(stats) : NotFoundProblem("Automation");

    [HttpGet("analytics/campaigns")]
    [RequirePermission(Permission.AnalyticsRead)]
    [ProducesResponseType<ComparedList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> CampaignsAsync([FromQuery] string? from, [FromQuery] string? to, CancellationToken ct)
    {
        var (period, errors) = Period(from, to, clock.GetUtcNow());
        if (!errors.IsValid) return ValidationProblemJson(errors);
        var rows = await reports.CompareAsync(period.From, period.To, ct);
        return Ok(new ComparedList(rows.Select(r => new ComparedItem(r.Id, r.Name, r.Kind, r.StartedAt?.UtcDateTime,
            AnalyticsStats.From(new MeasuredFigures(r.Counts, r.Failed), r.Rates, r.Counts.Sent, SkippedFigures.From(new Dictionary<string, long>()), 0)))
            .ToList()));
    }

    [HttpGet("analytics/sources")]
    [RequirePermission(Permission.AnalyticsRead)]
    [ProducesResponseType<SourceList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> SourcesAsync([FromQuery] string? from, [FromQuery] string? to, CancellationToken ct)
    {
        var (period, errors) = Period(from, to, clock.GetUtcNow());
        if (!errors.IsValid) return ValidationProblemJson(errors);
        // detail is null for a reader who may not see every contact's personal data (the Analyst).
        var rows = await reports.SourcesAsync(period.From, period.To, ContactAccess.PersonalForAll(User), ct);
        return Ok(new SourceList(rows.Select(r => new SourceItem(r.Channel, r.Detail, r.Contacts, r.WithMarketingConsent, r.Buyers, r.Revenue))
            .ToList()));
    }

    /// <summary>
    /// <c>from</c>/<c>to</c> as ISO 8601 instants, or dates (<c>2026-12-01</c>: a date's midnight UTC; <c>to</c> as a date
    /// includes that whole day). Missing: the last <see cref="DefaultPeriodDays"/> days up to now.
    /// </summary>
    public static ((DateTimeOffset From, DateTimeOffset To) Period, ValidationErrors Errors) Period(string? from, string? to, DateTimeOffset now)
    {
        var errors = new ValidationErrors();
        DateTimeOffset? Parse(string? value, string field, bool end)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(end ? 1 : 0);
            if (DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
            errors.Add(field, "A date (yyyy-MM-dd) or an ISO 8601 time is required.");
            return null;
        }

        var end = Parse(to, "to", end: true) ?? now;
        var start = Parse(from, "from", end: false) ?? end.AddDays(-DefaultPeriodDays);
        if (errors.IsValid && start >= end) errors.Add("from", "from must be before to.");
        return ((start, end), errors);
    }
}
