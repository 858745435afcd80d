using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>The wire shape of api-v1 "Sending settings".</summary>
public sealed class SendingSettingsDto
{
    public string? TimeZone { get; set; }
    public WindowDto? MarketingWindow { get; set; }
    public CapsDto? Caps { get; set; }

    public sealed class WindowDto
    {
        public string? From { get; set; }
        public string? To { get; set; }
        public List<string>? Days { get; set; }
    }

    public sealed class CapsDto
    {
        public int? PerDay { get; set; }
        public int? InformationalPerWeek { get; set; }
        public int? PromotionalPerMonth { get; set; }
    }

    public static SendingSettingsDto From(SendingSettings s) => new()
    {
        TimeZone = s.TimeZone,
        MarketingWindow = new WindowDto { From = WeekDays.Format(s.WindowFrom), To = WeekDays.Format(s.WindowTo), Days = [.. s.WindowDays] },
        Caps = new CapsDto { PerDay = s.CapPerDay, InformationalPerWeek = s.CapInformationalPerWeek, PromotionalPerMonth = s.CapPromotionalPerMonth },
    };
}

/// <summary>Reads and validates the tenant's send-policy settings; a change applies to every later decision.</summary>
public sealed class SendingSettingsService(PhoneCrmDbContext db, TimeProvider clock)
{
    public const int CapMax = 1000;

    public async Task<SendingSettings> GetAsync(CancellationToken ct = default)
    {
        var tenantId = db.Tenant.RequireTenant();
        var stored = await db.SendingSettings.AsNoTracking().SingleOrDefaultAsync(ct);
        if (stored is not null) return stored;
        var zone = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleOrDefaultAsync(ct);
        return SendingSettings.Defaults(tenantId, zone);
    }

    public static Dictionary<string, string[]> Validate(SendingSettingsDto? dto, out SendingSettings parsed)
    {
        var errors = new Dictionary<string, string[]>();
        var result = new SendingSettings();
        parsed = result;
        if (dto is null)
        {
            errors["body"] = ["A JSON body is required."];
            return errors;
        }

        if (string.IsNullOrWhiteSpace(dto.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(dto.TimeZone.Trim(), out _))
            errors["timeZone"] = ["An IANA time zone such as Europe/Moscow is required."];
        else parsed.TimeZone = dto.TimeZone.Trim();

        var w = dto.MarketingWindow;
        if (w is null) errors["marketingWindow"] = ["The marketing window is required."];
        else
        {
            if (WeekDays.TryParseTime(w.From, out var from)) parsed.WindowFrom = from;
            else errors["marketingWindow.from"] = ["A time HH:mm is required."];
            if (WeekDays.TryParseTime(w.To, out var to)) parsed.WindowTo = to;
            else errors["marketingWindow.to"] = ["A time HH:mm is required."];
            if (w.Days is null || w.Days.Count == 0 || w.Days.Any(d => WeekDays.Parse(d) is null))
                errors["marketingWindow.days"] = ["One or more of mon, tue, wed, thu, fri, sat, sun."];
            else parsed.WindowDays = w.Days.Select(d => d.Trim().ToLowerInvariant()).Distinct().OrderBy(d => WeekDays.All.ToList().IndexOf(d)).ToList();
        }

        var c = dto.Caps;
        if (c is null) errors["caps"] = ["The caps are required."];
        else
        {
            Cap(c.PerDay, "caps.perDay", v => result.CapPerDay = v);
            Cap(c.InformationalPerWeek, "caps.informationalPerWeek", v => result.CapInformationalPerWeek = v);
            Cap(c.PromotionalPerMonth, "caps.promotionalPerMonth", v => result.CapPromotionalPerMonth = v);
        }

        return errors;

        void Cap(int? value, string key, Action<int> set)
        {
            if (value is >= 0 and <= CapMax) set(value.Value);
            else errors[key] = [$"A whole number from 0 to {CapMax} is required."];
        }
    }

    public async Task<(SendingSettings? Settings, Dictionary<string, string[]> Errors)> SaveAsync(SendingSettingsDto? dto, CancellationToken ct = default)
    {
        var errors = Validate(dto, out var parsed);
        if (errors.Count > 0) return (null, errors);
        var row = await db.SendingSettings.SingleOrDefaultAsync(ct);
        if (row is null)
        {
            row = new SendingSettings { TenantId = db.Tenant.RequireTenant() };
            db.SendingSettings.Add(row);
        }

        row.TimeZone = parsed.TimeZone;
        row.WindowFrom = parsed.WindowFrom;
        row.WindowTo = parsed.WindowTo;
        row.WindowDays = parsed.WindowDays;
        row.CapPerDay = parsed.CapPerDay;
        row.CapInformationalPerWeek = parsed.CapInformationalPerWeek;
        row.CapPromotionalPerMonth = parsed.CapPromotionalPerMonth;
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return (row, errors);
    }
}
