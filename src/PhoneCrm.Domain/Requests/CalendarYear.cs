using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Requests;

/// <summary>A year of the working-day calendar as the tenant's Admin entered it; replaces <see cref="YearCalendar.RussianDefault"/> for that year.</summary>
public sealed class CalendarYear : ITenantOwned
{
    public Guid TenantId { get; set; }
    public int Year { get; set; }
    public List<DateOnly> Holidays { get; set; } = [];
    public List<DateOnly> WorkingWeekends { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }

    public YearCalendar ToCalendar() => new(Year, Holidays, WorkingWeekends);
}
