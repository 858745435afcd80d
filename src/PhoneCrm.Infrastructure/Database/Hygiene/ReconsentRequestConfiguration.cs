using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Hygiene;

internal sealed class ReconsentRequestConfiguration : IEntityTypeConfiguration<ReconsentRequest>
{
    public void Configure(EntityTypeBuilder<ReconsentRequest> b)
    {
        b.ToTable("reconsent_requests");
        b.HasKey(r => new { r.TenantId, r.Id });
        b.Property(r => r.Id).ValueGeneratedNever();
        // One cycle per grant: a second run finds the row and asks nobody twice.
        b.HasIndex(r => new { r.TenantId, r.ConsentRecordId }).IsUnique();
        b.HasIndex(r => new { r.TenantId, r.ContactId });
        // The job's open work: unsent or unanswered requests.
        b.HasIndex(r => new { r.TenantId, r.Id }).HasFilter("confirmed_at IS NULL AND excluded_at IS NULL").HasDatabaseName("ix_reconsent_requests_open");
        b.Property(r => r.LinkCode).HasMaxLength(16);
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Contact>().WithMany().HasForeignKey(r => new { r.TenantId, r.ContactId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ConsentRecord>().WithMany().HasForeignKey(r => new { r.TenantId, r.ConsentRecordId })
            .HasPrincipalKey(c => new { c.TenantId, c.Id }).OnDelete(DeleteBehavior.Restrict);
    }
}
