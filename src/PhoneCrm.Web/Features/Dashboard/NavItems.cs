using System.Security.Claims;
using PhoneCrm.Domain.Access;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Dashboard;

/// <summary>The main menu by capability; an item shows only to those who hold its permission.</summary>
public static class NavItems
{
    /// <param name="Badge">A view component drawing a count beside the title (e.g. overdue requests), or null.</param>
    public sealed record Item(string Title, string Path, Permission Permission, bool Available, bool InSettings = false, string? Badge = null);

    private static readonly Item[] _items =
    [
        new("Contacts", "/contacts", Permission.ContactsRead, true),
        new("Consent", "/consent", Permission.ConsentRead, true),
        new("Segments", "/segments", Permission.SegmentsRead, true),
        new("Campaigns", "/campaigns", Permission.CampaignsRead, true),
        new("Templates", "/templates", Permission.CampaignsRead, true),
        new("Automations", "/automations", Permission.CampaignsRead, true),
        new("Inbox", "/inbox", Permission.ContactsWrite, true),
        new("SMS simulator", "/messaging/simulator", Permission.CampaignsWrite, true),
        new("Analytics", "/analytics", Permission.AnalyticsRead, false),
        new("Requests", "/requests", Permission.RequestsView, true, Badge: "RequestsBadge"),
        new("Breach register", "/breaches", Permission.BreachesManage, true),
        new("Retention", "/retention", Permission.RetentionView, true),
        new("Audit log", "/audit", Permission.AuditRead, true),
        new("Compliance", "/compliance", Permission.DestructionActsRead, true),
        new("Users", "/settings/users", Permission.UsersManage, true, InSettings: true),
        new("Consent settings", "/settings/consent", Permission.ConsentManage, true, InSettings: true),
        new("API keys", "/settings/api-keys", Permission.ApiKeysManage, true, InSettings: true),
        new("Sending settings", "/settings/sending", Permission.SettingsManage, true, InSettings: true),
        new("Encryption", "/settings/encryption", Permission.SettingsManage, true, InSettings: true),
        new("SMS provider", "/settings/sms", Permission.SettingsManage, true, InSettings: true),
        new("Working-day calendar", "/settings/calendar", Permission.SettingsManage, true, InSettings: true),
        new("Operator details", "/settings/operator", Permission.SettingsManage, true, InSettings: true),
        new("Jobs", "/jobs", Permission.JobsDashboard, true, InSettings: true),
    ];

    public static IEnumerable<Item> For(ClaimsPrincipal user) => _items.Where(i => user.Has(i.Permission));
}
