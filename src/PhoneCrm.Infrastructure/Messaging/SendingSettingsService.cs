using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Validation;
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
    public async Task<SendingSettings> GetAsync(CancellationToken ct = default)
    {
        var tenantId = db.Tenant.RequireTenant();
        var stored = await db.SendingSettings.AsNoTracking().SingleOrDefaultAsync(ct);
        if (stored is not null) return stored;
        var zone = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleOrDefaultAsync(ct);
        return SendingSettings.Defaults(tenantId, zone);
    }

    /// <summary>Checks the settings (<see cref="SendingSettingsValidator"/>); <paramref name="parsed"/> is meaningful only when valid.</summary>
    public static ValidationErrors Validate(SendingSettingsDto? dto, out SendingSettings parsed)
    {
        parsed = new SendingSettings();
        if (dto is null) return ValidationErrors.Of("body", "A JSON body is required.");
        var errors = SendingSettingsValidator.Instance.Check(dto);
        if (!errors.IsValid) return errors;

        // The validator has checked both times, so these parses succeed.
        _ = WeekDays.TryParseTime(dto.MarketingWindow!.From, out var from);
        _ = WeekDays.TryParseTime(dto.MarketingWindow.To, out var to);
        parsed.TimeZone = dto.TimeZone!.Trim();
        parsed.WindowFrom = from;
        parsed.WindowTo = to;
        parsed.WindowDays = dto.MarketingWindow.Days!.Select(d => d.Trim().ToLowerInvariant()).Distinct()
            .OrderBy(d => WeekDays.All.ToList().IndexOf(d)).ToList();
        parsed.CapPerDay = dto.Caps!.PerDay!.Value;
        parsed.CapInformationalPerWeek = dto.Caps.InformationalPerWeek!.Value;
        parsed.CapPromotionalPerMonth = dto.Caps.PromotionalPerMonth!.Value;
        return errors;
    }

    public async Task<(SendingSettings? Settings, ValidationErrors Errors)> SaveAsync(SendingSettingsDto? dto, CancellationToken ct = default)
    {
        var errors = Validate(dto, out var parsed);
        if (!errors.IsValid) return (null, errors);
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
