using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Messaging;

internal sealed class AutomationConfiguration : IEntityTypeConfiguration<Automation>
{
    public void Configure(EntityTypeBuilder<Automation> b)
    {
        b.ToTable("automations");
        b.HasKey(a => new { a.TenantId, a.Kind });
        b.Property(a => a.Kind).HasMaxLength(32);
        b.Property(a => a.Text).HasMaxLength(1000);
        b.Property(a => a.FollowUpText).HasMaxLength(1000);
        b.Property(a => a.Category).HasMaxLength(100);
        b.Property(a => a.PromoCode).HasMaxLength(50);
        b.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AutomationRunConfiguration : IEntityTypeConfiguration<AutomationRun>
{
    public void Configure(EntityTypeBuilder<AutomationRun> b)
    {
        b.ToTable("automation_runs", t =>
            t.HasCheckConstraint("ck_automation_runs_status", "status IN ('pending','sent','skipped','cancelled','handed_off')"));
        b.HasKey(r => new { r.TenantId, r.Id });
        b.Property(r => r.Id).ValueGeneratedNever();
        b.HasIndex(r => new { r.TenantId, r.DedupeKey }).IsUnique();
        // The runner's worklist: only pending runs, by due time.
        b.HasIndex(r => new { r.TenantId, r.DueAt }).HasFilter("status = 'pending'");
        b.HasIndex(r => new { r.TenantId, r.ContactId, r.CreatedAt });
        b.HasIndex(r => new { r.TenantId, r.Kind, r.CreatedAt });
        // Analytics: an automation message's run (its kind, its short links).
        b.HasIndex(r => new { r.TenantId, r.MessageId }).HasFilter("message_id IS NOT NULL");
        b.Property(r => r.Kind).HasMaxLength(32);
        b.Property(r => r.DedupeKey).HasMaxLength(200);
        b.Property(r => r.Status).HasMaxLength(16);
        b.Property(r => r.Reason).HasMaxLength(64);
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Automation>().WithMany().HasForeignKey(r => new { r.TenantId, r.Kind }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Contact>().WithMany().HasForeignKey(r => new { r.TenantId, r.ContactId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ContactEvent>().WithMany().HasForeignKey(r => new { r.TenantId, r.EventId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AutomationCursorConfiguration : IEntityTypeConfiguration<AutomationCursor>
{
    public void Configure(EntityTypeBuilder<AutomationCursor> b)
    {
        b.ToTable("automation_cursors");
        b.HasKey(c => c.TenantId);
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MessageTemplateConfiguration : IEntityTypeConfiguration<PhoneCrm.Domain.Messaging.MessageTemplate>
{
    public void Configure(EntityTypeBuilder<PhoneCrm.Domain.Messaging.MessageTemplate> b)
    {
        b.ToTable("message_templates");
        b.HasKey(t => new { t.TenantId, t.Id });
        b.Property(t => t.Id).ValueGeneratedNever();
        b.HasIndex(t => new { t.TenantId, t.Name });
        b.Property(t => t.Name).HasMaxLength(PhoneCrm.Domain.Messaging.MessageTemplate.NameMax);
        b.Property(t => t.Purpose).HasMaxLength(64);
        b.Property(t => t.Category).HasMaxLength(16);
        b.Property(t => t.Text).HasMaxLength(PhoneCrm.Domain.Messaging.MessageTemplate.TextMax);
        b.HasOne<Tenant>().WithMany().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
