using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>The wire shape of api-v1 "Working-day calendar": one year's days off besides weekends and its working weekend days.</summary>
public sealed class CalendarYearDto
{
    public int Year { get; set; }
    public List<string>? Holidays { get; set; }
    public List<string>? WorkingWeekends { get; set; }

    public static CalendarYearDto From(YearCalendar year) => new()
    {
        Year = year.Year,
        Holidays = [.. year.Holidays.Order().Select(Format)],
        WorkingWeekends = [.. year.WorkingWeekends.Order().Select(Format)],
    };

    public static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// The tenant's working-day calendar: the years its Admin entered, the product's defaults (Art. 112 and known decrees)
/// for the rest. Request deadlines are counted on <see cref="LoadAsync"/>'s calendar.
/// </summary>
public sealed class WorkingCalendars(PhoneCrmDbContext db, AuditLog audit, TimeProvider clock)
{
    public const string YearOutOfRange = "The year must be between 2000 and 2100.";
    public const string YearMismatch = "The body's year differs from the year in the address.";

    public sealed record YearView(YearCalendar Calendar, bool Entered, DateTimeOffset? UpdatedAt);

    public async Task<WorkingDayCalendar> LoadAsync(CancellationToken ct = default)
    {
        var entered = await db.CalendarYears.AsNoTracking().ToListAsync(ct);
        return new WorkingDayCalendar(entered.Select(y => y.ToCalendar()));
    }

    public async Task<YearView> GetYearAsync(int year, CancellationToken ct = default)
    {
        var entered = await db.CalendarYears.AsNoTracking().SingleOrDefaultAsync(y => y.Year == year, ct);
        return entered is null ? new(YearCalendar.RussianDefault(year), false, null) : new(entered.ToCalendar(), true, entered.UpdatedAt);
    }

    /// <summary>Replaces the year's lists; on a refused input nothing is saved and the errors are keyed by field (<c>holidays[2]</c>).</summary>
    public async Task<(YearCalendar? Saved, ValidationErrors Errors)> SaveYearAsync(int year, CalendarYearDto? input,
        string channel, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (input is null)
        {
            errors.Add("body", "A JSON body is required.");
            return (null, errors);
        }

        if (year is < 2000 or > 2100) errors.Add("year", YearOutOfRange);
        else if (input.Year != 0 && input.Year != year) errors.Add("year", YearMismatch);
        var holidays = ParseDays(input.Holidays, "holidays", errors);
        var workingWeekends = ParseDays(input.WorkingWeekends, "workingWeekends", errors);
        if (!errors.IsValid) return (null, errors);
        foreach (var problem in YearCalendar.Validate(year, holidays, workingWeekends))
            errors.Add(problem.Field, $"{CalendarYearDto.Format(problem.Day)}: {problem.Message}");
        if (!errors.IsValid) return (null, errors);

        var row = await db.CalendarYears.SingleOrDefaultAsync(y => y.Year == year, ct);
        if (row is null) db.CalendarYears.Add(row = new CalendarYear { Year = year });
        row.Holidays = [.. holidays.Distinct().Order()];
        row.WorkingWeekends = [.. workingWeekends.Distinct().Order()];
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.Update, "calendar_year", year.ToString(CultureInfo.InvariantCulture), channel, ct);
        return (row.ToCalendar(), errors);
    }

    /// <summary>Forgets what was entered for the year: the defaults apply again.</summary>
    public async Task ResetYearAsync(int year, string channel, CancellationToken ct = default)
    {
        if (await db.CalendarYears.Where(y => y.Year == year).ExecuteDeleteAsync(ct) > 0)
            await audit.WriteAsync(AuditActions.Delete, "calendar_year", year.ToString(CultureInfo.InvariantCulture), channel, ct);
    }

    private static readonly string[] _formats = ["yyyy-MM-dd", "dd.MM.yyyy", "d.M.yyyy"];

    private static List<DateOnly> ParseDays(List<string>? values, string field, ValidationErrors errors)
    {
        var days = new List<DateOnly>();
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            var text = values![i]?.Trim();
            if (DateOnly.TryParseExact(text, _formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) days.Add(day);
            else errors.Add($"{field}[{i}]", $"{text}: {CalendarProblem.NotADate}");
        }

        return days;
    }
}
