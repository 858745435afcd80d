using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Hygiene;

internal sealed class BaseHealthSnapshotConfiguration : IEntityTypeConfiguration<BaseHealthSnapshot>
{
    public void Configure(EntityTypeBuilder<BaseHealthSnapshot> b)
    {
        b.ToTable("base_health_snapshots");
        // One row per tenant and month: the engagement job rewrites the current month's.
        b.HasKey(s => new { s.TenantId, s.Month });
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
