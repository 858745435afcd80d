using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Requests;

internal sealed class RetentionRunConfiguration : IEntityTypeConfiguration<RetentionRun>
{
    public void Configure(EntityTypeBuilder<RetentionRun> b)
    {
        b.ToTable("retention_runs", t => t.HasCheckConstraint("ck_retention_runs_status", "status IN ('running','completed','failed')"));
        b.HasKey(r => new { r.TenantId, r.Id });
        b.Property(r => r.Id).ValueGeneratedNever();
        b.HasIndex(r => new { r.TenantId, r.StartedAt });
        // At most one unfinished run per tenant: the one a new start resumes.
        b.HasIndex(r => r.TenantId).IsUnique().HasFilter("status = 'running'").HasDatabaseName("ux_retention_runs_running");
        b.Property(r => r.Status).HasMaxLength(16);
        b.Property(r => r.Error).HasMaxLength(2000);
        b.Property(r => r.ActIds).HasColumnType("uuid[]");
        b.Ignore(r => r.Duration);
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
