namespace PhoneCrm.Domain.Access;

/// <summary>The role matrix of PRODUCT.md §2.8 — the single place that says which role may do what.</summary>
public static class RolePermissions
{
    private static readonly Dictionary<Role, HashSet<Permission>> _matrix = new()
    {
        [Role.Admin] =
        [
            Permission.OwnAccount, Permission.DashboardView, Permission.ContactsRead, Permission.ContactsReadAll, Permission.ContactsReadPersonal, Permission.ContactsWrite,
            Permission.ContactsImport, Permission.ContactsExport, Permission.ConsentRead, Permission.ConsentWrite,
            Permission.ConsentManage, Permission.EventsWrite, Permission.SegmentsRead, Permission.SegmentsWrite,
            Permission.CampaignsRead, Permission.CampaignsWrite, Permission.AnalyticsRead, Permission.RequestsView, Permission.RequestsManage,
            Permission.BreachesManage, Permission.RetentionView, Permission.DestructionActsRead, Permission.HygieneManage, Permission.AudiencesExport, Permission.AnalyticsExport,
            Permission.SurveysManage, Permission.SurveysCall, Permission.SurveysRead, Permission.UsersManage, Permission.ApiKeysManage, Permission.SettingsManage, Permission.JobRunsView,
        ],
        [Role.Marketer] =
        [
            Permission.OwnAccount, Permission.DashboardView, Permission.ContactsRead, Permission.ContactsReadAll, Permission.ContactsReadPersonal, Permission.ContactsWrite,
            Permission.ContactsImport, Permission.ContactsExport, Permission.ConsentRead, Permission.ConsentWrite,
            Permission.EventsWrite, Permission.SegmentsRead, Permission.SegmentsWrite, Permission.CampaignsRead,
            Permission.CampaignsWrite, Permission.AnalyticsRead, Permission.HygieneManage, Permission.AudiencesExport, Permission.SurveysManage,
            Permission.SurveysCall, Permission.SurveysRead,
        ],
        // No ContactsReadAll: their own contacts only (the contact queries apply the owner). No AnalyticsRead: figures over their
        // own contacts would still reveal a campaign's totals by difference, and say nothing a sales manager acts on.
        // Surveys: they call their own customers — the console's queue, the survey page and its report reach their own
        // contacts only (ContactScope.PersonalOwner / OwnerOnly); scripts and the quality queue are SurveysManage.
        [Role.SalesManager] =
        [
            Permission.OwnAccount, Permission.DashboardView, Permission.ContactsRead, Permission.ContactsReadPersonal, Permission.ContactsWrite,
            Permission.ConsentRead, Permission.ConsentWrite, Permission.SurveysCall, Permission.SurveysRead,
        ],
        // Pseudonymised: no ContactsReadPersonal (masked phones; no names, free-form attributes or source details), no export of rows. Analytics: aggregates only.
        [Role.Analyst] =
        [
            Permission.OwnAccount, Permission.DashboardView, Permission.ContactsRead, Permission.ContactsReadAll, Permission.SegmentsRead, Permission.CampaignsRead,
            Permission.AnalyticsRead, Permission.AudiencesExport, Permission.AnalyticsExport, Permission.SurveysRead,
        ],
        [Role.ComplianceOfficer] =
        [
            Permission.OwnAccount, Permission.DashboardView, Permission.ContactsRead, Permission.ContactsReadAll, Permission.ContactsReadPersonal, Permission.ConsentRead,
            Permission.ConsentWrite, Permission.RequestsView, Permission.RequestsManage, Permission.AuditRead, Permission.ContactsExport,
            Permission.BreachesManage, Permission.RetentionView, Permission.DestructionActsRead, Permission.HygieneManage,
        ],
        // Technical only: no customer content at all.
        [Role.SystemOperator] = [Permission.OwnAccount, Permission.DashboardView, Permission.JobRunsView],
    };

    public static bool Allows(Role role, Permission permission) => _matrix[role].Contains(permission);

    /// <summary>
    /// What a platform operator (an account outside every tenant) holds: their own account and the platform pages —
    /// nothing of any tenant, so no tenant data is ever in reach of the installation's staff.
    /// </summary>
    public static bool PlatformOperatorAllows(Permission permission) => permission is Permission.OwnAccount or Permission.PlatformOperations;

    public static bool AllowsAny(IEnumerable<Role> roles, Permission permission) => roles.Any(r => Allows(r, permission));

    /// <summary>
    /// Which contacts a user holding these roles reads, and whose personal data: exactly the union of what each role
    /// reads. Rows: every contact when a role holds <see cref="Permission.ContactsReadAll"/>, else their own. Personal
    /// data: every contact when one role holds both; their own when only a role without ContactsReadAll holds it — so a
    /// SalesManager who is also an Analyst sees the whole base masked and their own customers in full, never more.
    /// </summary>
    public static ContactVisibility ContactVisibilityOf(IEnumerable<Role> roles)
    {
        var readers = roles.Where(r => Allows(r, Permission.ContactsRead)).ToList();
        var allRows = readers.Any(r => Allows(r, Permission.ContactsReadAll));
        var personal = readers.Any(r => Allows(r, Permission.ContactsReadAll) && Allows(r, Permission.ContactsReadPersonal)) ? PersonalDataReach.AllContacts
            : readers.Any(r => Allows(r, Permission.ContactsReadPersonal)) ? PersonalDataReach.OwnContacts
            : PersonalDataReach.None;
        return new ContactVisibility(readers.Count > 0, allRows, personal);
    }
}

public enum PersonalDataReach
{
    None,
    OwnContacts,
    AllContacts,
}

/// <param name="Any">Reads contacts at all.</param>
/// <param name="AllContacts">Every contact of the tenant; otherwise only those the user owns.</param>
public sealed record ContactVisibility(bool Any, bool AllContacts, PersonalDataReach Personal);
