using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Audiences;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Audiences;

internal sealed class AudienceExportConfiguration : IEntityTypeConfiguration<AudienceExport>
{
    public void Configure(EntityTypeBuilder<AudienceExport> b)
    {
        b.ToTable("audience_exports", t =>
        {
            t.HasCheckConstraint("ck_audience_exports_format", "format IN ('meta','yandex','vk')");
            t.HasCheckConstraint("ck_audience_exports_status", "status IN ('queued','running','completed','failed')");
        });
        b.HasKey(e => new { e.TenantId, e.Id });
        b.Property(e => e.Id).ValueGeneratedNever();
        // The Audiences page lists the newest exports first.
        b.HasIndex(e => new { e.TenantId, e.CreatedAt }).IsDescending(false, true);
        b.Property(e => e.Format).HasMaxLength(16);
        b.Property(e => e.Status).HasMaxLength(16);
        b.Property(e => e.RequestedBy).HasMaxLength(256);
        b.Property(e => e.Error).HasMaxLength(2000);
        b.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Segment>().WithMany().HasForeignKey(e => new { e.TenantId, e.SegmentId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AudienceExportMemberConfiguration : IEntityTypeConfiguration<AudienceExportMember>
{
    public void Configure(EntityTypeBuilder<AudienceExportMember> b)
    {
        b.ToTable("audience_export_members");
        // Ordered by contact within an export: the download pages through it by keyset.
        b.HasKey(m => new { m.TenantId, m.ExportId, m.ContactId });
        // The access report asks which exports a contact went out in.
        b.HasIndex(m => new { m.TenantId, m.ContactId });
        b.HasOne<AudienceExport>().WithMany().HasForeignKey(m => new { m.TenantId, m.ExportId }).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(m => new { m.TenantId, m.ContactId }).OnDelete(DeleteBehavior.Restrict);
    }
}
