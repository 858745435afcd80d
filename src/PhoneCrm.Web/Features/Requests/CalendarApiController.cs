using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>api-v1 "Working-day calendar": read a year (entered or the defaults), replace it (admin scope).</summary>
[Route("api/v1/settings/calendar")]
[Tags("Calendar")]
public sealed class CalendarApiController(WorkingCalendars calendars) : ApiV1Controller
{
    [HttpGet("{year:int}")]
    [RequirePermission(Permission.SettingsManage)]
    [ProducesResponseType<CalendarYearDto>(StatusCodes.Status200OK)]
    public async Task<IActionResult> GetAsync(int year, CancellationToken ct) =>
        year is < 2000 or > 2100
            ? ValidationProblemJson("year", WorkingCalendars.YearOutOfRange)
            : Ok(CalendarYearDto.From((await calendars.GetYearAsync(year, ct)).Calendar));

    [HttpPut("{year:int}")]
    [RequirePermission(Permission.SettingsManage)]
    [RequestBodyLimit(64 * 1024)]
    [ProducesResponseType<CalendarYearDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> PutAsync(int year, [FromBody] CalendarYearDto? request, CancellationToken ct)
    {
        var (saved, errors) = await calendars.SaveYearAsync(year, request, "api", ct);
        return saved is null ? ValidationProblemJson(errors) : Ok(CalendarYearDto.From(saved));
    }
}
