using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Messaging;

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> b)
    {
        b.ToTable("campaigns", t =>
            t.HasCheckConstraint("ck_campaigns_status", "status IN ('draft','scheduled','sending','paused','completed','cancelled')"));
        b.HasKey(c => new { c.TenantId, c.Id });
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Purpose).HasMaxLength(64);
        b.Property(c => c.Category).HasMaxLength(16);
        b.Property(c => c.Status).HasMaxLength(16);
        b.Property(c => c.Winner).HasMaxLength(1);
        b.HasIndex(c => new { c.TenantId, c.CreatedAt });
        b.HasIndex(c => new { c.TenantId, c.Status });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Segment>().WithMany().HasForeignKey(c => new { c.TenantId, c.SegmentId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CampaignRecipientConfiguration : IEntityTypeConfiguration<CampaignRecipient>
{
    public void Configure(EntityTypeBuilder<CampaignRecipient> b)
    {
        b.ToTable("campaign_recipients", t => t.HasCheckConstraint("ck_campaign_recipients_outcome",
            "outcome IN ('pending','held','sent','skipped','deferred','cancelled')"));
        b.HasKey(r => new { r.TenantId, r.CampaignId, r.ContactId });
        b.Property(r => r.Outcome).HasMaxLength(16);
        b.Property(r => r.Reason).HasMaxLength(16);
        b.Property(r => r.Variant).HasMaxLength(1);
        b.HasIndex(r => new { r.TenantId, r.CampaignId, r.Batch });
        b.HasIndex(r => new { r.TenantId, r.CampaignId, r.Outcome, r.Reason });
        b.HasIndex(r => new { r.TenantId, r.DeferredUntil }).HasFilter("outcome = 'deferred'");
        b.HasOne<Campaign>().WithMany().HasForeignKey(r => new { r.TenantId, r.CampaignId }).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(r => new { r.TenantId, r.ContactId }).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CampaignBatchConfiguration : IEntityTypeConfiguration<CampaignBatch>
{
    public void Configure(EntityTypeBuilder<CampaignBatch> b)
    {
        b.ToTable("campaign_batches");
        b.HasKey(x => new { x.TenantId, x.CampaignId, x.Batch });
        b.HasIndex(x => new { x.TenantId, x.DueAt }).HasFilter("done_at IS NULL");
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => new { x.TenantId, x.CampaignId }).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SendingSettingsConfiguration : IEntityTypeConfiguration<SendingSettings>
{
    public void Configure(EntityTypeBuilder<SendingSettings> b)
    {
        b.ToTable("sending_settings");
        b.HasKey(s => s.TenantId);
        b.Property(s => s.TimeZone).HasMaxLength(64);
        b.Ignore(s => s.Window);
        b.Ignore(s => s.Caps);
        b.HasOne<Tenant>().WithOne().HasForeignKey<SendingSettings>(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ShortLinkConfiguration : IEntityTypeConfiguration<ShortLink>
{
    public void Configure(EntityTypeBuilder<ShortLink> b)
    {
        b.ToTable("short_links");
        b.HasKey(l => l.Code);
        b.Property(l => l.Code).HasMaxLength(16);
        b.Property(l => l.Variant).HasMaxLength(1);
        b.Property(l => l.Url).HasMaxLength(2000);
        b.HasIndex(l => new { l.OwnerTenantId, l.CampaignId, l.ContactId, l.Url }).IsUnique();
        // One code per URL of an automation message: a re-run of the same run finds the same codes.
        b.HasIndex(l => new { l.OwnerTenantId, l.AutomationRunId, l.Url }).IsUnique().HasFilter("automation_run_id IS NOT NULL");
        b.HasOne<Tenant>().WithMany().HasForeignKey(l => l.OwnerTenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
