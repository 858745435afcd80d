using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Hygiene;

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> b)
    {
        b.ToTable("job_runs", t => t.HasCheckConstraint("ck_job_runs_status", "status IN ('running','completed','failed')"));
        b.HasKey(r => new { r.TenantId, r.Id });
        b.Property(r => r.Id).ValueGeneratedNever();
        // The Hygiene page reads each job's latest runs.
        b.HasIndex(r => new { r.TenantId, r.JobId, r.StartedAt }).IsDescending(false, false, true);
        b.Property(r => r.JobId).HasMaxLength(64);
        b.Property(r => r.Status).HasMaxLength(16);
        b.Property(r => r.Details).HasColumnType("jsonb");
        b.Property(r => r.Error).HasMaxLength(2000);
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
