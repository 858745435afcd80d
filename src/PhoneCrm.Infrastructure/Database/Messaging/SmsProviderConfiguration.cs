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
        b.Property(m => m.To).HasMaxLength(64);
        b.Property(m => m.Kind).HasMaxLength(16);
        b.Property(m => m.HandledBy).HasMaxLength(256);
        b.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Contact>().WithMany().HasForeignKey(m => new { m.TenantId, m.ContactId }).OnDelete(DeleteBehavior.Restrict);
    }
}
