using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Analytics;
using PhoneCrm.Domain.Audiences;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Domain.Surveys;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Database;

public sealed class PhoneCrmDbContext(DbContextOptions<PhoneCrmDbContext> options, TenantContext tenant)
    : IdentityUserContext<AppUser, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ContactNote> ContactNotes => Set<ContactNote>();
    public DbSet<ConsentPurpose> ConsentPurposes => Set<ConsentPurpose>();
    public DbSet<ConsentTextVersion> ConsentTextVersions => Set<ConsentTextVersion>();
    public DbSet<ConsentRecord> ConsentRecords => Set<ConsentRecord>();
    public DbSet<ConsentChainHead> ConsentChainHeads => Set<ConsentChainHead>();
    public DbSet<ConsentChainCheckpoint> ConsentChainCheckpoints => Set<ConsentChainCheckpoint>();
    public DbSet<ConsentState> ConsentStates => Set<ConsentState>();
    public DbSet<CaptureForm> CaptureForms => Set<CaptureForm>();
    public DbSet<ConsentCodeChallenge> ConsentCodeChallenges => Set<ConsentCodeChallenge>();
    public DbSet<ContactEvent> ContactEvents => Set<ContactEvent>();
    public DbSet<ContactCategory> ContactCategories => Set<ContactCategory>();
    public DbSet<Segment> Segments => Set<Segment>();
    public DbSet<SmsMessage> SmsMessages => Set<SmsMessage>();
    public DbSet<Suppression> Suppressions => Set<Suppression>();
    public DbSet<Automation> Automations => Set<Automation>();
    public DbSet<AutomationRun> AutomationRuns => Set<AutomationRun>();
    public DbSet<AutomationCursor> AutomationCursors => Set<AutomationCursor>();
    public DbSet<MessageTemplate> MessageTemplates => Set<MessageTemplate>();
    public DbSet<SendingSettings> SendingSettings => Set<SendingSettings>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<CampaignRecipient> CampaignRecipients => Set<CampaignRecipient>();
    public DbSet<CampaignBatch> CampaignBatches => Set<CampaignBatch>();
    public DbSet<ShortLink> ShortLinks => Set<ShortLink>();
    public DbSet<SimulatorMessage> SimulatorMessages => Set<SimulatorMessage>();
    public DbSet<SmsProviderSettings> SmsProviderSettings => Set<SmsProviderSettings>();
    public DbSet<InboundSms> InboundSms => Set<InboundSms>();
    public DbSet<NumberChangeRequest> NumberChangeRequests => Set<NumberChangeRequest>();
    public DbSet<CalendarYear> CalendarYears => Set<CalendarYear>();
    public DbSet<BreachIncident> BreachIncidents => Set<BreachIncident>();
    public DbSet<SubjectRequest> SubjectRequests => Set<SubjectRequest>();
    public DbSet<SubjectRequestNotice> SubjectRequestNotices => Set<SubjectRequestNotice>();
    public DbSet<SubjectRequestCounter> SubjectRequestCounters => Set<SubjectRequestCounter>();
    public DbSet<SubjectRequestSettings> SubjectRequestSettings => Set<SubjectRequestSettings>();
    public DbSet<SubjectRequestChallenge> SubjectRequestChallenges => Set<SubjectRequestChallenge>();
    public DbSet<DestructionAct> DestructionActs => Set<DestructionAct>();
    public DbSet<ErasureTombstone> ErasureTombstones => Set<ErasureTombstone>();
    public DbSet<RetentionRun> RetentionRuns => Set<RetentionRun>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<ReconsentRequest> ReconsentRequests => Set<ReconsentRequest>();
    public DbSet<BaseHealthSnapshot> BaseHealthSnapshots => Set<BaseHealthSnapshot>();
    public DbSet<AnalyticsSettings> AnalyticsSettings => Set<AnalyticsSettings>();
    public DbSet<TrackingNumber> TrackingNumbers => Set<TrackingNumber>();
    public DbSet<ClosedCampaignFigures> ClosedCampaignFigures => Set<ClosedCampaignFigures>();
    public DbSet<AudienceExport> AudienceExports => Set<AudienceExport>();
    public DbSet<AudienceExportMember> AudienceExportMembers => Set<AudienceExportMember>();
    public DbSet<Survey> Surveys => Set<Survey>();
    public DbSet<SurveyCall> SurveyCalls => Set<SurveyCall>();
    public DbSet<SurveyResponse> SurveyResponses => Set<SurveyResponse>();
    public DbSet<QualityItem> QualityItems => Set<QualityItem>();
    public DbSet<Notification> Notifications => Set<Notification>();

    /// <summary>Read by the global query filters on every query; Guid.Empty matches nothing.</summary>
    public Guid CurrentTenantId => tenant.TenantId ?? Guid.Empty;

    public TenantContext Tenant => tenant;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PhoneCrmDbContext).Assembly);
        builder.Entity<AppUser>().ToTable("users");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>>().ToTable("user_tokens");
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        // First wall: every tenant-owned entity is filtered to the current tenant.
        foreach (var type in builder.Model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType)))
        {
            var e = Expression.Parameter(type.ClrType, "e");
            var filter = Expression.Lambda(
                Expression.Equal(
                    Expression.Property(e, nameof(ITenantOwned.TenantId)),
                    Expression.Property(Expression.Constant(this), nameof(CurrentTenantId))),
                e);
            builder.Entity(type.ClrType).HasQueryFilter(filter);
        }
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTenant();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTenant();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    private void StampTenant()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State == EntityState.Added && entry.Entity.TenantId == Guid.Empty)
                entry.Entity.TenantId = tenant.RequireTenant();
            if (entry.State is EntityState.Added or EntityState.Modified && tenant.TenantId is { } t && entry.Entity.TenantId != t
                && entry.Entity is not Membership)
                throw new InvalidOperationException("A row of another tenant cannot be written in this unit of work.");
        }
    }
}
