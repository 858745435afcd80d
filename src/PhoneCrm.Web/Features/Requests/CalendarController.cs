using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The Admin's page for the working-day calendar: a year at a glance, its days off and working weekends.</summary>
[Route("settings/calendar"), RequirePermission(Permission.SettingsManage)]
public sealed class CalendarController(WorkingCalendars calendars, TimeProvider clock, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record PageModel(int Year, YearCalendar Calendar, bool Entered, DateTimeOffset? UpdatedAt, string Holidays, string WorkingWeekends,
        IReadOnlyDictionary<string, string[]> Errors);

    [HttpGet("{year:int?}")]
    public async Task<IActionResult> IndexAsync(int? year, CancellationToken ct)
    {
        var y = Math.Clamp(year ?? clock.GetUtcNow().Year, 2000, 2100);
        var view = await calendars.GetYearAsync(y, ct);
        return View("Index", new PageModel(y, view.Calendar, view.Entered, view.UpdatedAt, Lines(view.Calendar.Holidays),
            Lines(view.Calendar.WorkingWeekends), new Dictionary<string, string[]>()));
    }

    [HttpPost("{year:int}")]
    public async Task<IActionResult> SaveAsync(int year, string? holidays, string? workingWeekends, CancellationToken ct)
    {
        var input = new CalendarYearDto { Year = year, Holidays = Split(holidays), WorkingWeekends = Split(workingWeekends) };
        var (saved, errors) = await calendars.SaveYearAsync(year, input, "ui", ct);
        if (saved is null)
        {
            var current = await calendars.GetYearAsync(year, ct);
            var page = View("Index", new PageModel(year, current.Calendar, current.Entered, current.UpdatedAt, holidays ?? "", workingWeekends ?? "", errors.ByField));
            page.StatusCode = StatusCodes.Status400BadRequest;
            return page;
        }

        Flash(t["Calendar for {0} saved.", year]);
        return Redirect($"/settings/calendar/{year}");
    }

    [HttpPost("{year:int}/reset")]
    public async Task<IActionResult> ResetAsync(int year, CancellationToken ct)
    {
        await calendars.ResetYearAsync(year, "ui", ct);
        Flash(t["Calendar for {0} reset to the defaults.", year]);
        return Redirect($"/settings/calendar/{year}");
    }

    private static string Lines(IEnumerable<DateOnly> days) => string.Join('\n', days.Order().Select(d => d.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture)));

    private static List<string> Split(string? text) =>
        [.. (text ?? "").Split(['\n', '\r', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
