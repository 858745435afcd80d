using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Requests;

internal sealed class SubjectRequestConfiguration : IEntityTypeConfiguration<SubjectRequest>
{
    public void Configure(EntityTypeBuilder<SubjectRequest> b)
    {
        b.ToTable("subject_requests", t =>
        {
            t.HasCheckConstraint("ck_subject_requests_type", "type IN ('access','withdraw_all','rectify','erasure')");
            t.HasCheckConstraint("ck_subject_requests_channel", "channel IN ('phone','email','web','chat','letter')");
            t.HasCheckConstraint("ck_subject_requests_status", "status IN ('received','verified','completed','rejected')");
            t.HasCheckConstraint("ck_subject_requests_number", "number ~ '^DSR-[0-9]{4}-[0-9]{6}$'");
        });
        b.HasKey(r => new { r.TenantId, r.Id });
        b.Property(r => r.Id).ValueGeneratedNever();
        b.HasIndex(r => new { r.TenantId, r.Number }).IsUnique();
        // The queue: open requests by due date (overdue first), and the list's keyset order.
        b.HasIndex(r => new { r.TenantId, r.DueAt, r.Number });
        b.HasIndex(r => new { r.TenantId, r.DueAt }).HasFilter("status IN ('received','verified')").HasDatabaseName("ix_subject_requests_open_due");
        b.HasIndex(r => new { r.TenantId, r.PhoneIndex });
        b.HasIndex(r => new { r.TenantId, r.ContactId });

        b.Property(r => r.Number).HasMaxLength(16);
        b.Property(r => r.Type).HasMaxLength(16);
        b.Property(r => r.Channel).HasMaxLength(16);
        b.Property(r => r.Status).HasMaxLength(16);
        b.Property(r => r.TakenBy).HasMaxLength(256);
        b.Property(r => r.VerificationMethod).HasMaxLength(16);
        b.Property(r => r.VerificationNote).HasMaxLength(SubjectRequest.NoteMax);
        b.Property(r => r.ExtensionReason).HasMaxLength(SubjectRequest.NoteMax);
        b.Property(r => r.Resolution).HasMaxLength(SubjectRequest.NoteMax);
        b.Property(r => r.RejectionReason).HasMaxLength(SubjectRequest.NoteMax);

        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Membership>().WithMany().HasForeignKey(r => new { r.TenantId, r.AssigneeId }).OnDelete(DeleteBehavior.Restrict);
        // No foreign key to the contact: an erasure may remove the contact row, and the request (with its act) must outlive it.
    }
}

internal sealed class SubjectRequestNoticeConfiguration : IEntityTypeConfiguration<SubjectRequestNotice>
{
    public void Configure(EntityTypeBuilder<SubjectRequestNotice> b)
    {
        b.ToTable("subject_request_notices", t =>
            t.HasCheckConstraint("ck_subject_request_notices_delivery", "delivery IN ('sms_queued','sms_refused','recorded')"));
        b.HasKey(n => new { n.TenantId, n.Id });
        b.Property(n => n.Id).ValueGeneratedNever();
        b.HasIndex(n => new { n.TenantId, n.RequestId, n.CreatedAt });
        b.Property(n => n.Kind).HasMaxLength(32);
        b.Property(n => n.Channel).HasMaxLength(16);
        b.Property(n => n.Text).HasMaxLength(4000);
        b.Property(n => n.Delivery).HasMaxLength(16);
        b.HasOne<Tenant>().WithMany().HasForeignKey(n => n.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<SubjectRequest>().WithMany().HasForeignKey(n => new { n.TenantId, n.RequestId }).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SubjectRequestCounterConfiguration : IEntityTypeConfiguration<SubjectRequestCounter>
{
    public void Configure(EntityTypeBuilder<SubjectRequestCounter> b)
    {
        b.ToTable("subject_request_counters");
        b.HasKey(c => new { c.TenantId, c.Year });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SubjectRequestSettingsConfiguration : IEntityTypeConfiguration<SubjectRequestSettings>
{
    public void Configure(EntityTypeBuilder<SubjectRequestSettings> b)
    {
        b.ToTable("subject_request_settings", t =>
        {
            foreach (var column in new[] { "access_days", "rectify_days", "erasure_days", "withdraw_all_days" })
                t.HasCheckConstraint($"ck_subject_request_settings_{column}", $"{column} IS NULL OR {column} BETWEEN 1 AND 30");
        });
        b.HasKey(s => s.TenantId);
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SubjectRequestChallengeConfiguration : IEntityTypeConfiguration<SubjectRequestChallenge>
{
    public void Configure(EntityTypeBuilder<SubjectRequestChallenge> b)
    {
        b.ToTable("subject_request_challenges");
        b.HasKey(c => new { c.TenantId, c.Id });
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Type).HasMaxLength(16);
        b.Property(c => c.Ip).HasMaxLength(64);
        // The per-number and per-tenant code limits count challenges by number and by day.
        b.HasIndex(c => new { c.TenantId, c.PhoneIndex, c.CreatedAt });
        b.HasIndex(c => new { c.TenantId, c.CreatedAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
