using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Events;

namespace PhoneCrm.Infrastructure.Database.Events;

internal sealed class ContactEventConfiguration : IEntityTypeConfiguration<ContactEvent>
{
    public void Configure(EntityTypeBuilder<ContactEvent> b)
    {
        b.ToTable("contact_events");
        b.HasKey(e => new { e.TenantId, e.Id });
        b.Property(e => e.Id).ValueGeneratedNever();
        // The idempotency key: concurrent duplicates meet here (INSERT … ON CONFLICT DO NOTHING).
        b.HasIndex(e => new { e.TenantId, e.ExternalId }).IsUnique();
        // The contact's timeline and the per-contact recounts of the stats.
        b.HasIndex(e => new { e.TenantId, e.ContactId, e.OccurredAt });
        // The automation scheduler reads new events by arrival time.
        b.HasIndex(e => new { e.TenantId, e.ReceivedAt });
        // Analytics attribution (AttributionSql): the orders placed within a set of messages' windows, index-only.
        b.HasIndex(e => new { e.TenantId, e.OccurredAt }, "ix_contact_events_orders_by_time")
            .IncludeProperties(e => new { e.ContactId, e.Amount, e.Id })
            .HasFilter("type = 'order_placed'");
        b.Property(e => e.Type).HasMaxLength(32);
        b.Property(e => e.ExternalId).HasMaxLength(200);
        b.Property(e => e.Data).HasColumnType("jsonb");
        b.Property(e => e.Amount).HasPrecision(14, 2);
        b.HasOne<Contact>().WithMany().HasForeignKey(e => new { e.TenantId, e.ContactId }).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ContactCategoryConfiguration : IEntityTypeConfiguration<ContactCategory>
{
    public void Configure(EntityTypeBuilder<ContactCategory> b)
    {
        b.ToTable("contact_categories");
        b.HasKey(c => new { c.TenantId, c.ContactId, c.Category });
        b.Property(c => c.Category).HasMaxLength(100);
        // "Who bought garden goods (lately)": category first.
        b.HasIndex(c => new { c.TenantId, c.Category, c.LastPurchasedAt }).IncludeProperties(c => c.ContactId);
        b.HasOne<Contact>().WithMany().HasForeignKey(c => new { c.TenantId, c.ContactId }).OnDelete(DeleteBehavior.Cascade);
    }
}
