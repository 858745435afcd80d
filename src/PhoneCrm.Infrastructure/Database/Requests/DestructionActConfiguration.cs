using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Requests;

internal sealed class DestructionActConfiguration : IEntityTypeConfiguration<DestructionAct>
{
    public void Configure(EntityTypeBuilder<DestructionAct> b)
    {
        b.ToTable("destruction_acts", t => t.HasCheckConstraint("ck_destruction_acts_reason", "reason IN ('subject_request','retention')"));
        b.HasKey(a => new { a.TenantId, a.Id });
        b.Property(a => a.Id).ValueGeneratedNever();
        // The human number ACT-YYYY-NNNNNN: one per tenant, year and sequence.
        b.HasIndex(a => new { a.TenantId, a.Year, a.Seq }).IsUnique();
        // The Compliance page lists newest first; the purge finds acts past their three years.
        b.HasIndex(a => new { a.TenantId, a.DestroyedAt });
        // An erasure repeated for the same contact answers the act it already made.
        b.HasIndex(a => new { a.TenantId, a.ContactId });
        b.Ignore(a => a.Number);
        b.Property(a => a.OperatorName).HasMaxLength(500);
        b.Property(a => a.OperatorAddress).HasMaxLength(500);
        b.Property(a => a.Categories).HasColumnType("text[]");
        b.Property(a => a.InformationSystem).HasMaxLength(100);
        b.Property(a => a.Reason).HasMaxLength(32);
        b.Property(a => a.Method).HasMaxLength(500);
        b.Property(a => a.DestroyedBy).HasMaxLength(256);
        b.Property(a => a.LogExtract).HasColumnType("jsonb");
        b.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ErasureTombstoneConfiguration : IEntityTypeConfiguration<ErasureTombstone>
{
    public void Configure(EntityTypeBuilder<ErasureTombstone> b)
    {
        b.ToTable("erasure_tombstones");
        b.HasKey(t => new { t.TenantId, t.PhoneHash });
        b.HasOne<Tenant>().WithMany().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
