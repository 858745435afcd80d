using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using PhoneCrm.Domain.Analytics;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Analytics;

/// <summary>The thresholds and attribution window an Admin edits on the analytics page (rates as fractions 0..1).</summary>
public sealed record AnalyticsSettingsInput(int? AttributionDays, decimal? MinDeliveryRate, decimal? MaxOptOutRate, decimal? MinRoi,
    decimal? MaxComplaintRate, decimal? MinClickRate);

public sealed class AnalyticsSettingsInputValidator : InputValidator<AnalyticsSettingsInput>
{
    public static AnalyticsSettingsInputValidator Instance { get; } = new();

    private AnalyticsSettingsInputValidator()
    {
        Field(x => x.AttributionDays, "attributionDays").Must(d => d is >= 1 and <= AnalyticsSettings.MaxAttributionDays)
            .WithMessage($"A whole number of days from 1 to {AnalyticsSettings.MaxAttributionDays} is required.");
        Field(x => x.MinDeliveryRate, "minDeliveryRate").Fraction();
        Field(x => x.MaxOptOutRate, "maxOptOutRate").Fraction();
        Field(x => x.MaxComplaintRate, "maxComplaintRate").Fraction();
        Field(x => x.MinClickRate, "minClickRate").Fraction();
        // ROI may be negative (a loss) or above 100 %: any sensible ratio.
        Field(x => x.MinRoi, "minRoi").Must(v => v is >= -1m and <= 100m).WithMessage("A ratio from -1 to 100 is required.");
    }
}

internal static class AnalyticsSettingsRules
{
    public static IRuleBuilderOptions<T, decimal?> Fraction<T>(this IRuleBuilder<T, decimal?> rule) =>
        rule.Must(v => v is >= 0m and <= 1m).WithMessage("A share from 0 to 1 is required.");
}

/// <summary>The tenant's analytics settings, with the defaults (<c>Analytics:AttributionDays</c>, else 7) when never saved.</summary>
public sealed class AnalyticsSettingsStore(PhoneCrmDbContext db, IConfiguration config, TimeProvider clock)
{
    public async Task<AnalyticsSettings> GetAsync(CancellationToken ct = default) =>
        await db.AnalyticsSettings.AsNoTracking().SingleOrDefaultAsync(ct)
        ?? AnalyticsSettings.Defaults(db.Tenant.RequireTenant(), DefaultAttributionDays);

    private int DefaultAttributionDays =>
        Math.Clamp(config.GetValue("Analytics:AttributionDays", AnalyticsSettings.DefaultAttributionDays), 1, AnalyticsSettings.MaxAttributionDays);

    public async Task<(AnalyticsSettings? Saved, ValidationErrors Errors)> SaveAsync(AnalyticsSettingsInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = AnalyticsSettingsInputValidator.Instance.Check(input);
        if (!errors.IsValid) return (null, errors);
        var row = await db.AnalyticsSettings.SingleOrDefaultAsync(ct);
        if (row is null)
        {
            row = AnalyticsSettings.Defaults(db.Tenant.RequireTenant());
            db.AnalyticsSettings.Add(row);
        }

        row.AttributionDays = input.AttributionDays!.Value;
        row.MinDeliveryRate = input.MinDeliveryRate!.Value;
        row.MaxOptOutRate = input.MaxOptOutRate!.Value;
        row.MinRoi = input.MinRoi!.Value;
        row.MaxComplaintRate = input.MaxComplaintRate!.Value;
        row.MinClickRate = input.MinClickRate!.Value;
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return (row, errors);
    }
}
