using System.Security.Claims;
using PhoneCrm.Domain.Access;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Dashboard;

/// <summary>
/// The main menu by capability; an item shows only to those who hold its permission, and only once its page exists.
/// Items of a group share one dropdown (drawn where the group's first item stands) so the bar fits one row at 1366 px.
/// </summary>
public static class NavItems
{
    public const string Messaging = "Messages";
    public const string DataProtection = "Data protection";
    public const string Settings = "Settings";

    /// <param name="Group">The dropdown the item sits in, or null for the bar itself.</param>
    /// <param name="Badge">A view component drawing a count beside the title (e.g. overdue requests), or null.</param>
    public sealed record Item(string Title, string Path, Permission Permission, string? Group = null, string? Badge = null);

    private static readonly Item[] _items =
    [
        new("Contacts", "/contacts", Permission.ContactsRead),
        new("Consent", "/consent", Permission.ConsentRead),
        new("Segments", "/segments", Permission.SegmentsRead),
        new("Ad audiences", "/audiences", Permission.AudiencesExport),
        new("Surveys", "/surveys", Permission.SurveysRead),
        new("Campaigns", "/campaigns", Permission.CampaignsRead, Messaging),
        new("Templates", "/templates", Permission.CampaignsRead, Messaging),
        new("Automations", "/automations", Permission.CampaignsRead, Messaging),
        new("Inbox", "/inbox", Permission.ContactsWrite, Messaging),
        new("SMS simulator", "/messaging/simulator", Permission.CampaignsWrite, Messaging),
        new("Analytics", "/analytics", Permission.AnalyticsRead),
        new("Requests", "/requests", Permission.RequestsView, Badge: "RequestsBadge"),
        new("Breach register", "/breaches", Permission.BreachesManage, DataProtection),
        new("Retention", "/retention", Permission.RetentionView, DataProtection),
        new("Base hygiene", "/hygiene", Permission.HygieneManage, DataProtection),
        new("Audit log", "/audit", Permission.AuditRead, DataProtection),
        new("Compliance", "/compliance", Permission.DestructionActsRead, DataProtection),
        new("Users", "/settings/users", Permission.UsersManage, Settings),
        new("Consent settings", "/settings/consent", Permission.ConsentManage, Settings),
        new("API keys", "/settings/api-keys", Permission.ApiKeysManage, Settings),
        new("Sending settings", "/settings/sending", Permission.SettingsManage, Settings),
        new("SMS provider", "/settings/sms", Permission.SettingsManage, Settings),
        new("Working-day calendar", "/settings/calendar", Permission.SettingsManage, Settings),
        new("Operator details", "/settings/operator", Permission.SettingsManage, Settings),
        new("Public forms and links", "/settings/public", Permission.SettingsManage, Settings),
        new("Jobs", "/hygiene/jobs", Permission.JobRunsView, Settings),
        // A platform operator's whole menu: no tenant page is theirs.
        new("Tenants", "/platform/tenants", Permission.PlatformOperations),
        new("Encryption", "/platform/encryption", Permission.PlatformOperations),
        new("Jobs", "/jobs", Permission.PlatformOperations),
    ];

    /// <summary>One entry of the bar: a link (one item) or a dropdown (a group's items).</summary>
    public sealed record Entry(string Title, IReadOnlyList<Item> Items)
    {
        public bool IsGroup => Items.Count > 1 || Items[0].Group is not null;
    }

    public static IEnumerable<Item> For(ClaimsPrincipal user) => _items.Where(i => user.Has(i.Permission));

    /// <summary>The bar for this user: items in order, each group folded into one entry at its first item's place.</summary>
    public static IReadOnlyList<Entry> BarFor(ClaimsPrincipal user)
    {
        var visible = For(user).ToList();
        var bar = new List<Entry>();
        foreach (var item in visible)
        {
            if (item.Group is null) bar.Add(new Entry(item.Title, [item]));
            else if (bar.All(e => e.Items[0].Group != item.Group)) bar.Add(new Entry(item.Group, visible.Where(i => i.Group == item.Group).ToList()));
        }

        return bar;
    }
}
