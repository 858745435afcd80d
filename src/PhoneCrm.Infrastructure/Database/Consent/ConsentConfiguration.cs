using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Consent;

internal sealed class ConsentPurposeConfiguration : IEntityTypeConfiguration<ConsentPurpose>
{
    public void Configure(EntityTypeBuilder<ConsentPurpose> b)
    {
        b.ToTable("consent_purposes");
        b.HasKey(p => new { p.TenantId, p.Code });
        b.Property(p => p.Code).HasMaxLength(64);
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.AllowedBases).HasColumnType("text[]");
        b.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ConsentTextVersionConfiguration : IEntityTypeConfiguration<ConsentTextVersion>
{
    public void Configure(EntityTypeBuilder<ConsentTextVersion> b)
    {
        b.ToTable("consent_text_versions");
        b.HasKey(v => new { v.TenantId, v.Id });
        b.Property(v => v.Id).ValueGeneratedNever();
        b.Property(v => v.PurposeCodes).HasColumnType("text[]");
        b.Property(v => v.OperatorName).HasMaxLength(500);
        b.Property(v => v.OperatorAddress).HasMaxLength(500);
        b.Property(v => v.Hash).HasMaxLength(64);
        b.HasIndex(v => new { v.TenantId, v.CreatedAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(v => v.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ConsentRecordConfiguration : IEntityTypeConfiguration<ConsentRecord>
{
    public void Configure(EntityTypeBuilder<ConsentRecord> b)
    {
        b.ToTable("consent_records", t =>
        {
            t.HasCheckConstraint("ck_consent_records_action", "action IN ('grant','withdraw')");
            t.HasCheckConstraint("ck_consent_records_seq", "seq > 0");
        });
        // The chain order is the key: one record per (tenant, seq), no gaps by construction of the head.
        b.HasKey(r => new { r.TenantId, r.Seq });
        b.Property(r => r.Seq).ValueGeneratedNever();
        b.Property(r => r.Id).ValueGeneratedNever();
        // Messages point at the record that allowed them (sms_messages.consent_record_id).
        b.HasAlternateKey(r => new { r.TenantId, r.Id });
        b.HasIndex(r => new { r.TenantId, r.ContactId, r.Seq });
        // Bulk proof by time range.
        b.HasIndex(r => new { r.TenantId, r.CapturedAt });
        b.Property(r => r.Purpose).HasMaxLength(64);
        b.Property(r => r.Channel).HasMaxLength(16);
        b.Property(r => r.Action).HasMaxLength(16);
        b.Property(r => r.LegalBasis).HasMaxLength(32);
        b.Property(r => r.Method).HasMaxLength(32);
        b.Property(r => r.Ip).HasMaxLength(64);
        b.Property(r => r.UserAgent).HasMaxLength(512);
        b.Property(r => r.SourceUrl).HasMaxLength(2048);
        b.Property(r => r.TextHash).HasMaxLength(64);
        b.Property(r => r.FormVersion).HasMaxLength(64);
        b.Property(r => r.RecordingId).HasMaxLength(200);
        b.Property(r => r.PaperReference).HasMaxLength(200);
        // Restrict: evidence outlives attempts to delete the contact (erasure anonymises instead).
        b.HasOne<Contact>().WithMany().HasForeignKey(r => new { r.TenantId, r.ContactId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ConsentPurpose>().WithMany().HasForeignKey(r => new { r.TenantId, r.Purpose }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ConsentTextVersion>().WithMany().HasForeignKey(r => new { r.TenantId, r.TextVersionId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ConsentChainHeadConfiguration : IEntityTypeConfiguration<ConsentChainHead>
{
    public void Configure(EntityTypeBuilder<ConsentChainHead> b)
    {
        b.ToTable("consent_chain_heads");
        b.HasKey(h => h.TenantId);
        b.HasOne<Tenant>().WithMany().HasForeignKey(h => h.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ConsentChainCheckpointConfiguration : IEntityTypeConfiguration<ConsentChainCheckpoint>
{
    public void Configure(EntityTypeBuilder<ConsentChainCheckpoint> b)
    {
        b.ToTable("consent_chain_checkpoints");
        b.HasKey(c => new { c.TenantId, c.Seq });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ConsentStateConfiguration : IEntityTypeConfiguration<ConsentState>
{
    public void Configure(EntityTypeBuilder<ConsentState> b)
    {
        b.ToTable("consent_states", t => t.HasCheckConstraint("ck_consent_states_status", "status IN ('active','withdrawn')"));
        b.HasKey(s => new { s.TenantId, s.ContactId, s.Purpose, s.Channel });
        // Audience queries ("everyone with active marketing by SMS"): index-only, expiry checked on the index.
        b.HasIndex(s => new { s.TenantId, s.Purpose, s.Channel, s.ContactId })
            .IncludeProperties(s => s.ExpiresAt)
            .HasFilter("status = 'active'");
        // Analytics attribution (AttributionSql): marketing SMS opt-outs within a set of messages' windows, index-only.
        b.HasIndex(s => new { s.TenantId, s.WithdrawnAt }, "ix_consent_states_sms_opt_outs_by_time")
            .IncludeProperties(s => s.ContactId)
            .HasFilter("status = 'withdrawn' AND purpose = 'marketing' AND channel = 'sms'");
        b.Property(s => s.Purpose).HasMaxLength(64);
        b.Property(s => s.Channel).HasMaxLength(16);
        b.Property(s => s.Status).HasMaxLength(16);
        b.Property(s => s.LegalBasis).HasMaxLength(32);
        b.HasOne<Contact>().WithMany().HasForeignKey(s => new { s.TenantId, s.ContactId }).OnDelete(DeleteBehavior.Restrict);
    }
}
