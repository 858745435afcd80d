using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Infrastructure.Access;

namespace PhoneCrm.Infrastructure.Database.Contacts;

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.ToTable("contacts", t =>
        {
            t.HasCheckConstraint("ck_contacts_gender", "gender IN ('male','female','unknown')");
            t.HasCheckConstraint("ck_contacts_status", "status IN ('active','unreachable','erased')");
            t.HasCheckConstraint("ck_contacts_status_reason",
                "status_reason IS NULL OR status_reason IN ('failedDeliveries','invalidNumber','disconnected','manual')");
        });
        b.HasKey(c => new { c.TenantId, c.Id });
        b.Property(c => c.Id).ValueGeneratedNever();
        // One contact per (tenant, normalised phone), by construction.
        b.HasIndex(c => new { c.TenantId, c.PhoneIndex }).IsUnique();
        b.HasIndex(c => new { c.TenantId, c.EmailIndex });
        b.HasIndex(c => new { c.TenantId, c.PhoneSuffixIndex });
        // No GIN indexes on the name entries or tags: under row-level security the array operators (not leakproof) never
        // use them; searches go through contact_search_tokens (ContactSearchToken).
        // Keyset pagination of the list (newest first) and by last change.
        b.HasIndex(c => new { c.TenantId, c.CreatedAt, c.Id }).IsDescending(false, true, true);
        b.HasIndex(c => new { c.TenantId, c.UpdatedAt, c.Id }).IsDescending(false, true, true);
        // Segment counts read contacts through this index only (index-only scans, never the wide encrypted rows): city
        // leads (the most common condition), the other segment columns ride along; erased contacts are left out.
        b.HasIndex(c => new { c.TenantId, c.City, c.Id })
            .IncludeProperties(c => new { c.Status, c.Gender, c.BirthDate, c.SourceChannel, c.PhoneType, c.CreatedAt, c.Tags })
            .HasFilter("status <> 'erased'");
        // The list sorted by status walks this index (keyset by status and id); sorting by city walks the expression
        // index on coalesce(city, '') made in migration ContactSearch (EF cannot declare expression indexes).
        b.HasIndex(c => new { c.TenantId, c.Status, c.Id });
        b.HasIndex(c => new { c.TenantId, c.SourceChannel });
        // The analytics sources (contacts created in a period by source, consent mask, order stats) read only
        // ix_contacts_sources (tenant_id, created_at) INCLUDE (…), made in migration AnalyticsSourcesIndex (EF cannot
        // include the owned stats' columns).
        // A SalesManager's own contacts, and the owner foreign key's SET NULL when a user goes: only owned contacts are
        // ever looked up by owner, and imported ones have none, so an import writes neither index (issue 18).
        b.HasIndex(c => new { c.TenantId, c.OwnerId }).HasFilter("owner_id IS NOT NULL");
        b.HasIndex(c => c.OwnerId).HasFilter("owner_id IS NOT NULL");

        b.Property(c => c.PhoneType).HasMaxLength(32);
        b.Property(c => c.Carrier).HasMaxLength(100);
        b.Property(c => c.PhoneRegion).HasMaxLength(3);
        b.Property(c => c.Extension).HasMaxLength(16);
        b.Property(c => c.NameTokenIndexes).HasColumnType("bytea[]");
        b.Property(c => c.City).HasMaxLength(100);
        b.Property(c => c.Gender).HasMaxLength(16);
        b.Property(c => c.Tags).HasColumnType("text[]");
        b.Property(c => c.SourceChannel).HasMaxLength(32);
        b.Property(c => c.SourceDetail).HasMaxLength(200);
        b.Property(c => c.Attributes).HasColumnType("jsonb");
        b.Property(c => c.Status).HasMaxLength(16);
        b.Property(c => c.StatusReason).HasMaxLength(32);
        b.Property(c => c.MarketingFrequency).HasMaxLength(16);
        b.Property(c => c.TimeZone).HasMaxLength(64);

        // The computed attributes live on the contact row, so segment counts read them from one index with the contact's
        // fields (ix_contacts_segment, migration SegmentFactsOnContacts). Defaults let COPY-based imports leave them out.
        b.OwnsOne(c => c.Stats, s =>
        {
            s.Property(x => x.LastPurchaseAt).HasColumnName("last_purchase_at");
            s.Property(x => x.OrdersCount).HasColumnName("orders_count").HasDefaultValueSql("0");
            s.Property(x => x.TotalSpent).HasColumnName("total_spent").HasPrecision(14, 2).HasDefaultValueSql("0");
            s.Property(x => x.AvgOrderValue).HasColumnName("avg_order_value").HasPrecision(14, 2);
            s.Property(x => x.LastEngagedAt).HasColumnName("last_engaged_at");
            s.Property(x => x.UnansweredMessages).HasColumnName("unanswered_messages").HasDefaultValueSql("0");
            s.Property(x => x.UnansweredCalls).HasColumnName("unanswered_calls").HasDefaultValueSql("0");
            s.Property(x => x.PurchasedCategories).HasColumnName("purchased_categories").HasColumnType("text[]").HasDefaultValueSql("'{}'");
        });
        b.Navigation(c => c.Stats).IsRequired();

        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ContactSearchTokenConfiguration : IEntityTypeConfiguration<ContactSearchToken>
{
    public void Configure(EntityTypeBuilder<ContactSearchToken> b)
    {
        // Written only by the triggers of migrations ContactSearchTokens, SearchTokensWithoutForeignKey and LeanerSearchKeys
        // (on insert, on a change of the name entries or tags of a contact, and on delete). The key leads with the token: a
        // search reads the contacts holding it. Nothing else: a contact's keys are derived from its own row
        // (contact_search_keys), so the triggers delete them through this key too; no foreign key (a per-row RI check per
        // key) and no index by contact (a third structure per key) — each cost an import more than the contacts (issue 18).
        b.ToTable("contact_search_tokens");
        b.HasKey(k => new { k.TenantId, k.Token, k.ContactId });
    }
}

internal sealed class ContactNoteConfiguration : IEntityTypeConfiguration<ContactNote>
{
    public void Configure(EntityTypeBuilder<ContactNote> b)
    {
        b.ToTable("contact_notes");
        b.HasKey(n => new { n.TenantId, n.Id });
        b.Property(n => n.Id).ValueGeneratedNever();
        b.HasIndex(n => new { n.TenantId, n.ContactId, n.CreatedAt });
        b.Property(n => n.AuthorName).HasMaxLength(256);
        b.HasOne<Contact>().WithMany().HasForeignKey(n => new { n.TenantId, n.ContactId }).OnDelete(DeleteBehavior.Cascade);
    }
}
