using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Consent;

internal sealed class CaptureFormConfiguration : IEntityTypeConfiguration<CaptureForm>
{
    public void Configure(EntityTypeBuilder<CaptureForm> b)
    {
        b.ToTable("capture_forms");
        b.HasKey(f => new { f.TenantId, f.Id });
        b.Property(f => f.Id).ValueGeneratedNever();
        b.HasIndex(f => new { f.TenantId, f.Key }).IsUnique();
        b.Property(f => f.Key).HasMaxLength(32);
        b.Property(f => f.Name).HasMaxLength(CaptureForm.NameMax);
        b.Property(f => f.PurposeCodes).HasColumnType("text[]");
        b.Property(f => f.ThankYouText).HasMaxLength(CaptureForm.ThankYouMax);
        b.Property(f => f.RedirectUrl).HasMaxLength(CaptureForm.UrlMax);
        b.Property(f => f.PrivacyPolicyUrl).HasMaxLength(CaptureForm.UrlMax);
        b.HasOne<Tenant>().WithMany().HasForeignKey(f => f.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ConsentTextVersion>().WithMany().HasForeignKey(f => new { f.TenantId, f.TextVersionId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ConsentCodeChallengeConfiguration : IEntityTypeConfiguration<ConsentCodeChallenge>
{
    public void Configure(EntityTypeBuilder<ConsentCodeChallenge> b)
    {
        b.ToTable("consent_code_challenges");
        b.HasKey(c => new { c.TenantId, c.Id });
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.FormVersion).HasMaxLength(64);
        b.Property(c => c.PurposeCodes).HasColumnType("text[]");
        b.Property(c => c.Ip).HasMaxLength(64);
        b.Property(c => c.UserAgent).HasMaxLength(512);
        b.Property(c => c.SourceUrl).HasMaxLength(2048);
        b.HasIndex(c => new { c.TenantId, c.ExpiresAt });
        // The per-number and per-tenant code limits count challenges by number and by day.
        b.HasIndex(c => new { c.TenantId, c.PhoneIndex, c.CreatedAt });
        b.HasIndex(c => new { c.TenantId, c.CreatedAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<CaptureForm>().WithMany().HasForeignKey(c => new { c.TenantId, c.FormId }).OnDelete(DeleteBehavior.Cascade);
    }
}
