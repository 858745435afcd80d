using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Infrastructure.Access;

namespace PhoneCrm.Infrastructure.Database;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.ToTable("tenants");
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.DefaultRegion).HasMaxLength(2);
        b.Property(t => t.TimeZone).HasMaxLength(64);
        b.Property(t => t.LegalName).HasMaxLength(500);
        b.Property(t => t.LegalAddress).HasMaxLength(500);
        b.Property(t => t.HygieneResponsible).HasMaxLength(200);
        b.Property(t => t.CodeRegions).HasColumnType("text[]").HasDefaultValueSql("'{RU}'::text[]");
        b.Property(t => t.LinkDomains).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
    }
}

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b) => b.Property(u => u.DisplayName).HasMaxLength(200);
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.ToTable("memberships");
        b.HasKey(m => new { m.TenantId, m.UserId });
        b.HasIndex(m => m.UserId);
        b.Property(m => m.Roles).HasConversion(
            v => v.Select(r => r.ToString()).ToArray(),
            v => v.Select(Enum.Parse<Role>).ToList(),
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<Role>>(
                (a, c) => a!.SequenceEqual(c!), v => v.Aggregate(0, (h, r) => HashCode.Combine(h, r)), v => v.ToList()));
        b.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.HasKey(k => new { k.TenantId, k.Id });
        b.HasIndex(k => new { k.TenantId, k.KeyId }).IsUnique();
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.KeyId).HasMaxLength(32);
        b.Ignore(k => k.IsActive);
        b.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_log");
        b.HasKey(a => new { a.TenantId, a.Id });
        b.Property(a => a.Id).UseIdentityAlwaysColumn();
        b.HasIndex(a => new { a.TenantId, a.At });
        // The audit page's action filter lists the actions in use by a loose scan of this index (DistinctValues).
        b.HasIndex(a => new { a.TenantId, a.Action });
        b.Property(a => a.Actor).HasMaxLength(256);
        b.Property(a => a.Action).HasMaxLength(64);
        b.Property(a => a.EntityType).HasMaxLength(64);
        b.Property(a => a.Ip).HasMaxLength(64);
        b.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
