using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Analytics;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Analytics;
using PhoneCrm.Infrastructure.Export;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Analytics;

/// <summary>
/// <c>/analytics</c> (PRODUCT §2.5): campaigns and automations compared with their flags, weekly charts, acquisition
/// sources, offline tracking numbers, and (for Admin) the thresholds and attribution window. Aggregates only.
/// </summary>
[Route("analytics")]
public sealed class AnalyticsController(AnalyticsReports reports, AnalyticsSettingsStore settings, TrackingNumbers numbers, TenantClock clock,
    IStringLocalizer<SharedResource> t) : UiController
{
    /// <summary>The columns the comparison sorts by (query <c>sort</c>).</summary>
    public static readonly IReadOnlyList<string> SortColumns =
        ["name", "sent", "deliveryRate", "readRate", "clickRate", "conversions", "conversionRate", "revenue", "optOutRate", "complaintRate", "cost", "roi"];

    public sealed record Period(DateOnly From, DateOnly To)
    {
        public string Query => $"from={From:yyyy-MM-dd}&to={To:yyyy-MM-dd}";
    }

    /// <param name="SourceDetails">The reader sees sources' free-text details (<see cref="ContactAccess.PersonalForAll"/>).</param>
    public sealed record IndexModel(Period Period, string Sort, bool Descending, IReadOnlyList<AnalyticsRow> Rows,
        IReadOnlyList<WeekFigures> Weeks, IReadOnlyList<SourceRow> Sources, bool SourceDetails, IReadOnlyList<TrackingNumberRow> TrackingNumbers,
        AnalyticsSettings Settings);

    public sealed record CampaignModel(Campaign Campaign, CampaignStats Stats,
        IReadOnlyList<(string Variant, CampaignCounts Counts, CampaignRates Rates)> Variants, FlagThresholds Thresholds);

    private Period PeriodOf(DateOnly? from, DateOnly? to)
    {
        var end = to ?? DateOnly.FromDateTime(clock.Now.DateTime);
        var start = from ?? end.AddDays(-(AnalyticsApiController.DefaultPeriodDays - 1));
        return start > end ? new Period(end, start) : new Period(start, end);
    }

    [HttpGet(""), RequirePermission(Permission.AnalyticsRead)]
    public async Task<IActionResult> Index(DateOnly? from, DateOnly? to, string? sort, string? dir, CancellationToken ct)
    {
        var period = PeriodOf(from, to);
        var (start, end) = clock.Days(period.From, period.To);
        var column = sort is not null && SortColumns.Contains(sort) ? sort : null;
        var descending = dir != "asc";
        var page = await reports.PageAsync(start, end, cacheLive: true, ct);
        var rows = Sorted(page.Rows, column, descending);
        var details = ContactAccess.PersonalForAll(User);
        return View(new IndexModel(period, column ?? "", descending, rows, page.Weeks,
            await reports.SourcesAsync(start, end, details, ct), details, await numbers.ListAsync(start, end, ct), await settings.GetAsync(ct)));
    }

    private static IReadOnlyList<AnalyticsRow> Sorted(IReadOnlyList<AnalyticsRow> rows, string? column, bool descending)
    {
        if (column is null) return rows;
        if (column == "name")
            return descending ? [.. rows.OrderByDescending(r => r.Name, StringComparer.CurrentCulture)] : [.. rows.OrderBy(r => r.Name, StringComparer.CurrentCulture)];
        decimal? Key(AnalyticsRow r) => column switch
        {
            "sent" => r.Counts.Sent,
            "deliveryRate" => r.Rates.DeliveryRate,
            "readRate" => r.Rates.ReadRate,
            "clickRate" => r.Rates.ClickRate,
            "conversions" => r.Counts.Conversions,
            "conversionRate" => r.Rates.ConversionRate,
            "revenue" => r.Counts.Revenue,
            "optOutRate" => r.Rates.OptOutRate,
            "complaintRate" => r.Rates.ComplaintRate,
            "cost" => r.Counts.Cost,
            _ => r.Rates.Roi,
        };
        // Rows without a figure (nothing sent yet) go last either way.
        var known = rows.Where(r => Key(r) is not null);
        var ordered = descending ? known.OrderByDescending(Key) : known.OrderBy(Key);
        return [.. ordered, .. rows.Where(r => Key(r) is null)];
    }

    [HttpGet("export"), RequirePermission(Permission.AnalyticsRead)]
    public async Task<IActionResult> Export(DateOnly? from, DateOnly? to, string? csv, CancellationToken ct)
    {
        var period = PeriodOf(from, to);
        var (start, end) = clock.Days(period.From, period.To);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"analytics-{period.From:yyyyMMdd}-{period.To:yyyyMMdd}.csv\"";
        await reports.ExportCsvAsync(start, end, Response.Body, CsvDialect.Choose(csv, CultureInfo.CurrentUICulture), ct);
        return new EmptyResult();
    }

    [HttpGet("campaigns/{id:guid}"), RequirePermission(Permission.AnalyticsRead)]
    public async Task<IActionResult> Campaign(Guid id, CancellationToken ct)
    {
        if (await reports.CampaignAsync(id, ct) is not { } found) return NotFound();
        return View(new CampaignModel(found.Campaign, found.Stats, found.Variants, (await settings.GetAsync(ct)).Thresholds));
    }

    /// <summary>Thresholds are entered as percentages (95 for 0.95); the attribution window in days.</summary>
    [HttpPost("settings"), RequirePermission(Permission.SettingsManage)]
    public async Task<IActionResult> Settings([FromForm] int? attributionDays, [FromForm] string? minDeliveryRate, [FromForm] string? maxOptOutRate,
        [FromForm] string? minRoi, [FromForm] string? maxComplaintRate, [FromForm] string? minClickRate, CancellationToken ct)
    {
        static decimal? Share(string? percent) =>
            decimal.TryParse(percent?.Trim().Replace(',', '.'), NumberStyles.Number, CultureInfo.InvariantCulture, out var p) ? p / 100m : null;
        var (_, errors) = await settings.SaveAsync(new AnalyticsSettingsInput(attributionDays, Share(minDeliveryRate), Share(maxOptOutRate),
            Share(minRoi), Share(maxComplaintRate), Share(minClickRate)), ct);
        if (errors.IsValid) Flash(t["Analytics settings saved."]);
        else FlashError(t.OneLine(errors));
        return Redirect("/analytics#settings");
    }

    [HttpPost("tracking-numbers"), RequirePermission(Permission.CampaignsWrite)]
    public async Task<IActionResult> AddTrackingNumber([FromForm] string? number, [FromForm] string? name, CancellationToken ct)
    {
        var (_, errors) = await numbers.AddAsync(number, name, ct);
        if (errors.IsValid) Flash(t["Tracking number added."]);
        else FlashError(t.OneLine(errors));
        return Redirect("/analytics#tracking-numbers");
    }

    [HttpPost("tracking-numbers/{id:guid}/delete"), RequirePermission(Permission.CampaignsWrite)]
    public async Task<IActionResult> RemoveTrackingNumber(Guid id, CancellationToken ct)
    {
        if (!await numbers.RemoveAsync(id, ct)) return NotFound();
        return Redirect("/analytics#tracking-numbers");
    }
}
