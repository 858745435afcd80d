using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Requests;

internal sealed class BreachIncidentConfiguration : IEntityTypeConfiguration<BreachIncident>
{
    public void Configure(EntityTypeBuilder<BreachIncident> b)
    {
        b.ToTable("breach_incidents", t => t.HasCheckConstraint("ck_breach_incidents_subjects", "subjects_affected >= 0"));
        b.HasKey(i => new { i.TenantId, i.Id });
        b.Property(i => i.Id).ValueGeneratedNever();
        b.HasIndex(i => new { i.TenantId, i.Number }).IsUnique();
        // The dashboard asks for open incidents: both notices sent is the closed state.
        b.HasIndex(i => new { i.TenantId, i.DetectedAt }).HasFilter("initial_notice_sent_at IS NULL OR results_notice_sent_at IS NULL")
            .HasDatabaseName("ix_breach_incidents_open");
        b.Property(i => i.Number).HasMaxLength(32);
        b.Property(i => i.Description).HasMaxLength(BreachIncident.TextMax);
        b.Property(i => i.PresumedCause).HasMaxLength(BreachIncident.TextMax);
        b.Property(i => i.Harm).HasMaxLength(BreachIncident.TextMax);
        b.Property(i => i.Measures).HasMaxLength(BreachIncident.TextMax);
        b.Property(i => i.InvestigationResults).HasMaxLength(BreachIncident.TextMax);
        b.Property(i => i.Culprits).HasMaxLength(BreachIncident.TextMax);
        b.Property(i => i.ContactPerson).HasMaxLength(BreachIncident.ShortMax);
        b.Property(i => i.RecordedBy).HasMaxLength(BreachIncident.ShortMax);
        b.Property(i => i.Categories).HasColumnType("text[]");
        b.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
