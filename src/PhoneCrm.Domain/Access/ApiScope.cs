namespace PhoneCrm.Domain.Access;

/// <summary>Scopes an integration API key can carry, and the permissions each grants.</summary>
public static class ApiScope
{
    public const string Contacts = "contacts";
    public const string Imports = "imports";
    public const string Consents = "consents";
    public const string Events = "events";
    public const string Segments = "segments";
    public const string Campaigns = "campaigns";
    public const string Sms = "sms";
    public const string Requests = "requests";
    public const string Surveys = "surveys";
    public const string Admin = "admin";

    private static readonly Dictionary<string, Permission[]> _grants = new(StringComparer.Ordinal)
    {
        [Contacts] = [Permission.ContactsRead, Permission.ContactsReadAll, Permission.ContactsReadPersonal, Permission.ContactsWrite],
        [Imports] = [Permission.ContactsImport],
        [Consents] = [Permission.ConsentRead, Permission.ConsentWrite],
        [Events] = [Permission.EventsWrite],
        [Segments] = [Permission.SegmentsRead, Permission.SegmentsWrite, Permission.AudiencesExport],
        [Campaigns] = [Permission.CampaignsRead, Permission.CampaignsWrite, Permission.AnalyticsRead],
        [Sms] = [Permission.SmsWebhooks],
        [Requests] = [Permission.RequestsView, Permission.RequestsManage, Permission.BreachesManage, Permission.DestructionActsRead],
        [Surveys] = [Permission.SurveysManage, Permission.SurveysCall, Permission.SurveysRead],
        [Admin] = [Permission.SettingsManage],
    };

    public static IReadOnlyCollection<string> All { get; } = _grants.Keys.ToArray();

    public static bool IsKnown(string scope) => _grants.ContainsKey(scope);

    public static bool Allows(IEnumerable<string> scopes, Permission permission) =>
        (permission == Permission.ApiIdentity && scopes.Any()) || scopes.Any(s => _grants.TryGetValue(s, out var granted) && granted.Contains(permission));
}
