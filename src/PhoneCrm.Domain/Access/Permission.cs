namespace PhoneCrm.Domain.Access;

/// <summary>
/// What a caller may do. Every controller action names exactly one permission (or is explicitly anonymous);
/// roles and API scopes are only ways of holding permissions.
/// </summary>
public enum Permission
{
    /// <summary>Manage one's own account: password, second factor.</summary>
    OwnAccount,
    /// <summary>See the dashboard.</summary>
    DashboardView,
    ContactsRead,
    /// <summary>Read contacts with names, emails and full numbers (Analyst lacks it and sees masked data).</summary>
    ContactsReadPersonal,
    ContactsWrite,
    ContactsImport,
    ContactsExport,
    ConsentRead,
    ConsentWrite,
    ConsentManage,
    EventsWrite,
    SegmentsRead,
    SegmentsWrite,
    CampaignsRead,
    CampaignsWrite,
    SmsWebhooks,
    AnalyticsRead,
    /// <summary>See data-subject requests and the overdue count.</summary>
    RequestsView,
    /// <summary>Take, verify, execute, reject, extend and assign data-subject requests.</summary>
    RequestsManage,
    /// <summary>Keep the breach register and the notices to Roskomnadzor.</summary>
    BreachesManage,
    /// <summary>See the retention job's runs and who it will destroy next.</summary>
    RetentionView,
    /// <summary>Read acts of destruction (Order No. 179): they name the erased subject, so compliance work only.</summary>
    DestructionActsRead,
    /// <summary>See the hygiene jobs' runs and base health; restore a number excluded for failed deliveries.</summary>
    HygieneManage,
    /// <summary>Export a segment's consented members to an ad platform as hashed numbers and download the file.</summary>
    AudiencesExport,
    /// <summary>Download the aggregate counts of the base (never a row per person).</summary>
    AnalyticsExport,
    /// <summary>Build survey scripts, start surveys, work the quality queue, read the weekly report.</summary>
    SurveysManage,
    /// <summary>Work the operator console: take the next call, record the answers and the outcome.</summary>
    SurveysCall,
    /// <summary>Read survey reports (NPS, distribution, response rate).</summary>
    SurveysRead,
    AuditRead,
    UsersManage,
    ApiKeysManage,
    SettingsManage,
    /// <summary>See this tenant's job runs and health, read-only (the tenant's SystemOperator; never other tenants' jobs).</summary>
    JobRunsView,
    /// <summary>
    /// Run the installation: the Hangfire dashboard, PII key rotation, the tenants list. Held by platform operators only —
    /// no tenant role and no API scope grants it (<c>PlatformOperatorPermissions</c>).
    /// </summary>
    PlatformOperations,
    /// <summary>Any valid API key may ask who it is.</summary>
    ApiIdentity,
    /// <summary>
    /// Every contact of the tenant, not only those the user owns. A role without it (SalesManager) reads its own contacts;
    /// personal data reaches as far as a role holding it also reaches (<see cref="RolePermissions.ContactVisibilityOf"/>).
    /// </summary>
    ContactsReadAll,
}
