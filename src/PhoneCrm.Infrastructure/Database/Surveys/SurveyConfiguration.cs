using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Domain.Surveys;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Surveys;

internal sealed class SurveyConfiguration : IEntityTypeConfiguration<Survey>
{
    public void Configure(EntityTypeBuilder<Survey> b)
    {
        b.ToTable("surveys", t => t.HasCheckConstraint("ck_surveys_status", "status IN ('draft','running')"));
        b.HasKey(s => new { s.TenantId, s.Id });
        b.Property(s => s.Id).ValueGeneratedNever();
        b.HasIndex(s => new { s.TenantId, s.CreatedAt });
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Script).HasColumnType("jsonb");
        b.Property(s => s.RewardCode).HasMaxLength(64);
        b.Property(s => s.Status).HasMaxLength(16);
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Segment>().WithMany().HasForeignKey(s => new { s.TenantId, s.SegmentId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SurveyCallConfiguration : IEntityTypeConfiguration<SurveyCall>
{
    public void Configure(EntityTypeBuilder<SurveyCall> b)
    {
        b.ToTable("survey_calls", t => t.HasCheckConstraint("ck_survey_calls_status", "status IN ('queued','in_progress','done','skipped')"));
        b.HasKey(c => new { c.TenantId, c.SurveyId, c.ContactId });
        // The console's next call: the earliest due queued item, in queue order.
        b.HasIndex(c => new { c.TenantId, c.SurveyId, c.DueAt, c.Position }).HasFilter("status = 'queued'").HasDatabaseName("ix_survey_calls_due");
        b.HasIndex(c => new { c.TenantId, c.ContactId });
        b.Property(c => c.Status).HasMaxLength(16);
        b.Property(c => c.SkipReason).HasMaxLength(32);
        b.HasOne<Survey>().WithMany().HasForeignKey(c => new { c.TenantId, c.SurveyId }).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(c => new { c.TenantId, c.ContactId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SurveyResponseConfiguration : IEntityTypeConfiguration<SurveyResponse>
{
    public void Configure(EntityTypeBuilder<SurveyResponse> b)
    {
        b.ToTable("survey_responses", t => t.HasCheckConstraint("ck_survey_responses_outcome", "outcome IN ('answered','no_answer','refused','callback')"));
        b.HasKey(r => new { r.TenantId, r.Id });
        b.Property(r => r.Id).ValueGeneratedNever();
        // Reports read a survey's responses by time.
        b.HasIndex(r => new { r.TenantId, r.SurveyId, r.RecordedAt });
        b.HasIndex(r => new { r.TenantId, r.ContactId });
        b.Property(r => r.Outcome).HasMaxLength(16);
        b.Property(r => r.Answers).HasColumnType("jsonb");
        b.HasOne<Survey>().WithMany().HasForeignKey(r => new { r.TenantId, r.SurveyId }).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(r => new { r.TenantId, r.ContactId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class QualityItemConfiguration : IEntityTypeConfiguration<QualityItem>
{
    public void Configure(EntityTypeBuilder<QualityItem> b)
    {
        b.ToTable("survey_quality_items");
        b.HasKey(q => new { q.TenantId, q.Id });
        b.Property(q => q.Id).ValueGeneratedNever();
        // One follow-up per response.
        b.HasIndex(q => new { q.TenantId, q.ResponseId }).IsUnique();
        b.HasIndex(q => new { q.TenantId, q.DueAt }).HasFilter("resolved_at IS NULL").HasDatabaseName("ix_survey_quality_items_open");
        b.HasIndex(q => new { q.TenantId, q.ContactId });
        b.Property(q => q.Reason).HasMaxLength(32);
        b.Property(q => q.Resolution).HasMaxLength(2000);
        b.HasOne<Survey>().WithMany().HasForeignKey(q => new { q.TenantId, q.SurveyId }).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SurveyResponse>().WithMany().HasForeignKey(q => new { q.TenantId, q.ResponseId }).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(q => new { q.TenantId, q.ContactId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("notifications");
        b.HasKey(n => new { n.TenantId, n.Id });
        b.Property(n => n.Id).ValueGeneratedNever();
        b.HasIndex(n => new { n.TenantId, n.DedupKey }).IsUnique();
        b.HasIndex(n => new { n.TenantId, n.CreatedAt });
        b.Property(n => n.Kind).HasMaxLength(64);
        b.Property(n => n.Permission).HasMaxLength(64);
        b.Property(n => n.Title).HasMaxLength(300);
        b.Property(n => n.Body).HasMaxLength(4000);
        b.Property(n => n.DedupKey).HasMaxLength(200);
        b.HasOne<Tenant>().WithMany().HasForeignKey(n => n.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
