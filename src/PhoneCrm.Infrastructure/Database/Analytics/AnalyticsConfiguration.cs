using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Analytics;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Analytics;

internal sealed class AnalyticsSettingsConfiguration : IEntityTypeConfiguration<AnalyticsSettings>
{
    public void Configure(EntityTypeBuilder<AnalyticsSettings> b)
    {
        b.ToTable("analytics_settings", t => t.HasCheckConstraint("ck_analytics_settings_attribution_days",
            $"attribution_days BETWEEN 1 AND {AnalyticsSettings.MaxAttributionDays}"));
        b.HasKey(s => s.TenantId);
        b.Ignore(s => s.Thresholds);
        foreach (var rate in new[] { nameof(AnalyticsSettings.MinDeliveryRate), nameof(AnalyticsSettings.MaxOptOutRate),
                     nameof(AnalyticsSettings.MinRoi), nameof(AnalyticsSettings.MaxComplaintRate), nameof(AnalyticsSettings.MinClickRate) })
            b.Property<decimal>(rate).HasPrecision(9, 4);
        b.HasOne<Tenant>().WithOne().HasForeignKey<AnalyticsSettings>(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TrackingNumberConfiguration : IEntityTypeConfiguration<TrackingNumber>
{
    public void Configure(EntityTypeBuilder<TrackingNumber> b)
    {
        b.ToTable("tracking_numbers");
        b.HasKey(n => new { n.TenantId, n.Id });
        b.Property(n => n.Id).ValueGeneratedNever();
        // One offline campaign per number: a call to it is attributed to one campaign only.
        b.HasIndex(n => new { n.TenantId, n.Number }).IsUnique();
        b.Property(n => n.Number).HasMaxLength(20);
        b.Property(n => n.Name).HasMaxLength(TrackingNumber.MaxNameLength);
        b.HasOne<Tenant>().WithMany().HasForeignKey(n => n.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ClosedCampaignFiguresConfiguration : IEntityTypeConfiguration<ClosedCampaignFigures>
{
    public void Configure(EntityTypeBuilder<ClosedCampaignFigures> b)
    {
        b.ToTable("analytics_closed_figures");
        b.HasKey(f => new { f.TenantId, f.CampaignId, f.Key });
        b.Property(f => f.Key).HasMaxLength(10);
        b.Property(f => f.TimeZone).HasMaxLength(64);
        b.Property(f => f.Cost).HasPrecision(18, 4);
        b.Property(f => f.Revenue).HasPrecision(18, 2);
        b.Ignore(f => f.Counts);
        b.HasOne<Campaign>().WithMany().HasForeignKey(f => new { f.TenantId, f.CampaignId }).OnDelete(DeleteBehavior.Cascade);
    }
}
