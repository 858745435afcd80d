using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Messaging;

internal sealed class SmsMessageConfiguration : IEntityTypeConfiguration<SmsMessage>
{
    public void Configure(EntityTypeBuilder<SmsMessage> b)
    {
        b.ToTable("sms_messages", t =>
            t.HasCheckConstraint("ck_sms_messages_status", "status IN ('queued','sent','delivered','undelivered','expired','rejected','read','failed')"));
        b.HasKey(m => new { m.TenantId, m.Id });
        b.Property(m => m.Id).ValueGeneratedNever();
        // The guarantee against double sends: one message per key, whatever crashes or retries happen.
        b.HasIndex(m => new { m.TenantId, m.IdempotencyKey }).IsUnique();
        b.HasIndex(m => new { m.TenantId, m.Provider, m.ProviderMessageId });
        // Delivery receipts name only the provider's id.
        b.HasIndex(m => new { m.TenantId, m.ProviderMessageId }).HasFilter("provider_message_id IS NOT NULL");
        b.HasIndex(m => new { m.TenantId, m.ContactId, m.CreatedAt });
        // hygiene-failed-deliveries reads the last 30 days of failures.
        b.HasIndex(m => new { m.TenantId, m.StatusAt }).HasFilter("status IN ('undelivered','expired','rejected')")
            .HasDatabaseName("ix_sms_messages_failures");
        b.HasIndex(m => new { m.TenantId, m.PhoneIndex, m.CreatedAt });
        b.HasIndex(m => new { m.TenantId, m.CampaignId, m.Status });
        // Analytics' last touch: a contact's latest marketing message before an order, opt-out or complaint (AttributionSql);
        // the id rides along, so the check for a later touch (by sent_at, then id) reads only the index.
        b.HasIndex(m => new { m.TenantId, m.ContactId, m.SentAt }, "ix_sms_messages_marketing_touch")
            .IncludeProperties(m => m.Id)
            .HasFilter("kind IN ('campaign','automation') AND category <> 'transactional'");
        // The delivery sweeper's worklist stays small: only queued messages.
        b.HasIndex(m => new { m.TenantId, m.NextAttemptAt }).HasFilter("status = 'queued'");

        b.Property(m => m.Kind).HasMaxLength(32);
        b.Property(m => m.Purpose).HasMaxLength(64);
        b.Property(m => m.Category).HasMaxLength(16);
        b.Property(m => m.Cost).HasPrecision(12, 4);
        b.Property(m => m.IdempotencyKey).HasMaxLength(200);
        b.Property(m => m.Provider).HasMaxLength(32);
        b.Property(m => m.ProviderMessageId).HasMaxLength(100);
        b.Property(m => m.Status).HasMaxLength(16);
        b.Property(m => m.ErrorCode).HasMaxLength(32);
        b.Property(m => m.LastError).HasMaxLength(500);

        b.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Contact>().WithMany().HasForeignKey(m => new { m.TenantId, m.ContactId }).OnDelete(DeleteBehavior.Restrict);
        // The proof behind the message: the ledger keeps its records, so the link never dangles.
        b.HasOne<ConsentRecord>().WithMany().HasForeignKey(m => new { m.TenantId, m.ConsentRecordId })
            .HasPrincipalKey(r => new { r.TenantId, r.Id }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SuppressionConfiguration : IEntityTypeConfiguration<Suppression>
{
    public void Configure(EntityTypeBuilder<Suppression> b)
    {
        b.ToTable("suppressions", t => t.HasCheckConstraint("ck_suppressions_scope", "scope IN ('marketing','all')"));
        b.HasKey(s => new { s.TenantId, s.PhoneIndex });
        b.Property(s => s.Scope).HasMaxLength(16);
        b.Property(s => s.Reason).HasMaxLength(32);
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
