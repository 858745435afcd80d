using System.Globalization;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Messaging;

/// <summary>
/// A tenant's send-policy parameters (api-v1 "Sending settings"): its fallback zone, the marketing window in each
/// recipient's local time and the per-contact caps. One row per tenant; absent means <see cref="Defaults"/>.
/// </summary>
public sealed class SendingSettings : ITenantOwned
{
    public Guid TenantId { get; set; }
    public string TimeZone { get; set; } = "Europe/Moscow";
    public TimeOnly WindowFrom { get; set; } = new(9, 0);
    public TimeOnly WindowTo { get; set; } = new(21, 0);
    /// <summary>Wire names <c>mon</c> … <c>sun</c>.</summary>
    public List<string> WindowDays { get; set; } = [.. WeekDays.All];
    public int CapPerDay { get; set; } = 2;
    public int CapInformationalPerWeek { get; set; } = 2;
    public int CapPromotionalPerMonth { get; set; } = 2;
    public DateTimeOffset UpdatedAt { get; set; }

    public static SendingSettings Defaults(Guid tenantId, string? timeZone = null) =>
        new() { TenantId = tenantId, TimeZone = timeZone ?? "Europe/Moscow" };

    public SendWindow Window => new(WindowFrom, WindowTo, WindowDays.Select(WeekDays.Parse).OfType<DayOfWeek>().ToHashSet());

    public SendCaps Caps => new(CapPerDay, CapInformationalPerWeek, CapPromotionalPerMonth);
}

/// <summary>A daily window of local time; <see cref="From"/> after <see cref="To"/> means it runs across midnight
/// (a window that starts on an allowed day may end on the next day). From equal to To means the whole day.</summary>
public sealed record SendWindow(TimeOnly From, TimeOnly To, IReadOnlySet<DayOfWeek> Days);

public sealed record SendCaps(int PerDay, int InformationalPerWeek, int PromotionalPerMonth);

public static class WeekDays
{
    public static readonly IReadOnlyList<string> All = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    public static DayOfWeek? Parse(string? day) => day?.Trim().ToLowerInvariant() switch
    {
        "mon" => DayOfWeek.Monday,
        "tue" => DayOfWeek.Tuesday,
        "wed" => DayOfWeek.Wednesday,
        "thu" => DayOfWeek.Thursday,
        "fri" => DayOfWeek.Friday,
        "sat" => DayOfWeek.Saturday,
        "sun" => DayOfWeek.Sunday,
        _ => null,
    };

    public static bool TryParseTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    public static string Format(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}
