using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Messaging;

internal sealed class SimulatorMessageConfiguration : IEntityTypeConfiguration<SimulatorMessage>
{
    public void Configure(EntityTypeBuilder<SimulatorMessage> b)
    {
        b.ToTable("sms_simulator_messages", t =>
            t.HasCheckConstraint("ck_sms_simulator_messages_status", "status IN ('accepted','delivered','orphaned')"));
        b.HasKey(m => new { m.TenantId, m.ProviderMessageId });
        // The simulator's own idempotency: a resend with the same key is the same message.
        b.HasIndex(m => new { m.TenantId, m.IdempotencyKey }).IsUnique();
        b.HasIndex(m => new { m.TenantId, m.MessageId });
        b.HasIndex(m => new { m.TenantId, m.PhoneIndex });
        b.HasIndex(m => new { m.TenantId, m.DeliverAt }).HasFilter("status = 'accepted'");
        b.Property(m => m.ProviderMessageId).HasMaxLength(100);
        b.Property(m => m.IdempotencyKey).HasMaxLength(200);
        b.Property(m => m.Sender).HasMaxLength(32);
        b.Property(m => m.Status).HasMaxLength(16);
        b.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SmsProviderSettingsConfiguration : IEntityTypeConfiguration<SmsProviderSettings>
{
    public void Configure(EntityTypeBuilder<SmsProviderSettings> b)
    {
        b.ToTable("sms_provider_settings");
        b.HasKey(s => s.TenantId);
        b.Property(s => s.Provider).HasMaxLength(32);
        b.Property(s => s.Sender).HasMaxLength(32);
        b.Property(s => s.PricePerSegment).HasPrecision(12, 4);
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class InboundSmsConfiguration : IEntityTypeConfiguration<InboundSms>
{
    public void Configure(EntityTypeBuilder<InboundSms> b)
    {
        b.ToTable("sms_inbound", t => t.HasCheckConstraint("ck_sms_inbound_kind", "kind IN ('stop','number_change','reply')"));
        b.HasKey(m => new { m.TenantId, m.Id });
        b.Property(m => m.Id).ValueGeneratedNever();
        b.HasIndex(m => new { m.TenantId, m.ReceivedAt });
        b.HasIndex(m => new { m.TenantId, m.FromIndex });
        b.HasIndex(m => new { m.TenantId, m.ContactId });
        b.HasIndex(m => new { m.TenantId, m.Kind, m.ReceivedAt }).HasFilter("handled_at IS NULL");
        // A provider's retry of one webhook is one row (NULLs — no id, no receivedAt — are never equal).
        b.HasIndex(m => new { m.TenantId, m.DedupKey }).IsUnique();
        b.Property(m => m.To).HasMaxLength(64);
        b.Property(m => m.Kind).HasMaxLength(16);
        b.Property(m => m.HandledBy).HasMaxLength(256);
        b.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Contact>().WithMany().HasForeignKey(m => new { m.TenantId, m.ContactId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class NumberChangeRequestConfiguration : IEntityTypeConfiguration<NumberChangeRequest>
{
    public void Configure(EntityTypeBuilder<NumberChangeRequest> b)
    {
        b.ToTable("sms_number_changes", t => t.HasCheckConstraint("ck_sms_number_changes_status",
            "status IN ('awaiting_number','awaiting_code','completed','needs_review','expired','failed')"));
        b.HasKey(r => new { r.TenantId, r.Id });
        b.Property(r => r.Id).ValueGeneratedNever();
        // One open request per contact, whatever arrives concurrently.
        b.HasIndex(r => new { r.TenantId, r.ContactId }).IsUnique().HasFilter("status IN ('awaiting_number','awaiting_code')")
            .HasDatabaseName("ux_sms_number_changes_open");
        b.HasIndex(r => new { r.TenantId, r.NewPhoneIndex }).HasFilter("status = 'awaiting_code'");
        b.HasIndex(r => new { r.TenantId, r.CreatedAt });
        b.Property(r => r.Status).HasMaxLength(16);
        b.Property(r => r.Reason).HasMaxLength(32);
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Contact>().WithMany().HasForeignKey(r => new { r.TenantId, r.ContactId }).OnDelete(DeleteBehavior.Restrict);
    }
}
