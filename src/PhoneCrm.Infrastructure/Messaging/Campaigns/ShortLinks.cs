using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hosting;
using PhoneCrm.Infrastructure.Hygiene;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

/// <summary>
/// Per-recipient short links (<c>{PublicAddress}/r/{code}</c>) for the URLs in campaign and automation texts: created per
/// campaign batch by the dispatcher or per automation run by the runner, followed by anyone (the click counted, the target
/// tagged with UTM), counted in the campaign's clicks.
/// <para><c>{{unsubscribeLink}}</c> is rendered as <see cref="PreferencesUrl"/> and shortened like any URL; its row
/// stores that marker, not a token, and the signed <see cref="PreferenceLinks">preferences link</see> is made when the
/// link is followed — so a short link in an old SMS never outlives its token, and no token sits in the database. Its
/// clicks are not the campaign's clicks (an opt-out is no interest in the offer).</para>
/// </summary>
public sealed partial class ShortLinks(PhoneCrmDbContext db, IConfiguration config, PreferenceLinks preferences, ContactEngagement engagement,
    PublicSafetySettings safety)
{
    public const int MaxCodeLength = 16;

    /// <summary>What <c>{{unsubscribeLink}}</c> renders to before shortening, and the stored URL of its short link.</summary>
    public const string PreferencesUrl = "phonecrm:preferences";

    /// <summary>The value of <c>{{unsubscribeLink}}</c> for a text that <see cref="Shorten"/> will shorten.</summary>
    public static KeyValuePair<string, string?> UnsubscribeVariable => new(OptOutRule.LinkVariable, PreferencesUrl);

    public string BaseUrl => PublicAddress.Of(config);

    public string LinkFor(string code) => $"{BaseUrl}/r/{code}";

    /// <summary>Every URL of <paramref name="text"/> for which <paramref name="codeOf"/> has a code, replaced by its short link.</summary>
    public string Shorten(string text, Func<string, string?> codeOf)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shortened = Url().Replace(text, m => codeOf(m.Value) is { } code ? LinkFor(code) : m.Value);
        return shortened.Contains(PreferencesUrl, StringComparison.Ordinal)
            ? shortened.Replace(PreferencesUrl, codeOf(PreferencesUrl) is { } c ? LinkFor(c) : "", StringComparison.Ordinal)
            : shortened;
    }

    /// <summary>
    /// Counts the click and returns where the link goes, with <c>utm_*</c> tags the URL does not set itself; null for an
    /// unknown code. <c>short_links</c> is global (no RLS): the code alone finds the tenant's link.
    /// </summary>
    public async Task<string?> FollowAsync(string code, CancellationToken ct = default)
    {
        if (code.Length is 0 or > MaxCodeLength) return null;
        var link = await db.ShortLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Code == code, ct);
        if (link is null) return null;
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE short_links SET clicks = clicks + 1, first_clicked_at = coalesce(first_clicked_at, now()), last_clicked_at = now() WHERE code = {code}", ct);
        // Relative: the person is already on our address, whatever App:PublicBaseUrl says.
        if (link.Url == PreferencesUrl) return preferences.LinkFor(link.OwnerTenantId, link.ContactId, baseUrl: "");
        // A click on the offer is the person's engagement (api-v1 "Engagement"; the opt-out link is none); the link alone
        // names the tenant (the visitor is anonymous).
        db.Tenant.Set(link.OwnerTenantId);
        await engagement.EngagedAsync(link.ContactId, null, ct);
        var target = link.Url;
        var tags = new Dictionary<string, string>
        {
            ["utm_source"] = "sms",
            ["utm_medium"] = "sms",
            ["utm_campaign"] = link.CampaignId is { } campaignId ? campaignId.ToString("N") : "automation",
        };
        if (link.Variant is not null) tags["utm_content"] = link.Variant;
        foreach (var (k, v) in tags)
        {
            if (!target.Contains(k + "=", StringComparison.Ordinal)) target = QueryHelpers.AddQueryString(target, k, v);
        }

        return target;
    }

    /// <summary>One short code per (recipient, URL in the text); existing codes are reused on a re-run.</summary>
    public async Task<Dictionary<Guid, Dictionary<string, string>>> CreateAsync(
        Campaign campaign, IReadOnlyList<(Guid ContactId, string? Variant)> recipients, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(recipients);
        var result = new Dictionary<Guid, Dictionary<string, string>>();
        var allowed = await safety.GetAsync(ct);
        var urlsA = Shortenable(UrlsOf(campaign.Text), allowed);
        var urlsB = campaign.VariantB is null ? [] : Shortenable(UrlsOf(campaign.VariantB), allowed);
        if (urlsA.Count == 0 && urlsB.Count == 0) return result;

        var codes = new List<string>();
        var contacts = new List<Guid>();
        var variants = new List<string?>();
        var urls = new List<string>();
        foreach (var (contactId, variant) in recipients)
        {
            foreach (var url in variant == CampaignVariants.B ? urlsB : urlsA)
            {
                codes.Add(NewCode());
                contacts.Add(contactId);
                variants.Add(variant);
                urls.Add(url);
            }
        }

        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await InsertAsync(conn, campaign.Id, null, codes, contacts, variants, urls, ct);
        await using var select = new NpgsqlCommand(
            "SELECT contact_id, url, code FROM short_links WHERE owner_tenant_id = app_current_tenant() AND campaign_id = @c AND contact_id = ANY(@ids)", conn);
        select.Parameters.Add(new NpgsqlParameter("c", campaign.Id));
        select.Parameters.Add(Sql.ArrayOf("ids", recipients.Select(r => r.ContactId).ToArray()));
        await using var r = await select.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (!result.TryGetValue(r.GetGuid(0), out var map)) result[r.GetGuid(0)] = map = new Dictionary<string, string>(StringComparer.Ordinal);
            map[r.GetString(1)] = r.GetString(2);
        }

        return result;
    }

    /// <summary>
    /// Short links for one automation message, whose text is already rendered (its URLs come from the event, e.g. a cart's
    /// address): one code per URL and the preferences link, the same codes again for a re-run of the same run.
    /// </summary>
    public async Task<Dictionary<string, string>> CreateForRunAsync(Guid runId, Guid contactId, string renderedText, CancellationToken ct)
    {
        var urls = Shortenable(UrlsOf(renderedText), await safety.GetAsync(ct));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (urls.Count == 0) return result;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            await InsertAsync(conn, null, runId, urls.Select(_ => NewCode()).ToList(), urls.Select(_ => contactId).ToList(),
                urls.Select(_ => (string?)null).ToList(), urls, ct);
            await using var select = new NpgsqlCommand(
                "SELECT url, code FROM short_links WHERE owner_tenant_id = app_current_tenant() AND automation_run_id = @r", conn);
            select.Parameters.Add(new NpgsqlParameter("r", runId));
            await using var r = await select.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) result[r.GetString(0)] = r.GetString(1);
            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Preferences links under codes the caller chose (and stored with its own row, e.g. a re-consent request).</summary>
    public async Task CreatePreferencesAsync(IReadOnlyList<(Guid ContactId, string Code)> links, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(links);
        if (links.Count == 0) return;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await InsertAsync((NpgsqlConnection)db.Database.GetDbConnection(), null, null, links.Select(l => l.Code).ToList(),
                links.Select(l => l.ContactId).ToList(), links.Select(_ => (string?)null).ToList(), links.Select(_ => PreferencesUrl).ToList(), ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task InsertAsync(NpgsqlConnection conn, Guid? campaignId, Guid? runId, List<string> codes, List<Guid> contacts,
        List<string?> variants, List<string> urls, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO short_links (code, owner_tenant_id, campaign_id, automation_run_id, contact_id, variant, url, clicks, created_at)
            SELECT x.code, app_current_tenant(), @c, @r, x.contact, x.variant, x.url, 0, now()
            FROM unnest(@codes, @contacts, @variants, @urls) AS x(code, contact, variant, url)
            ON CONFLICT DO NOTHING
            """, conn);
        insert.Parameters.Add(new NpgsqlParameter("c", NpgsqlDbType.Uuid) { Value = (object?)campaignId ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter("r", NpgsqlDbType.Uuid) { Value = (object?)runId ?? DBNull.Value });
        insert.Parameters.Add(Sql.ArrayOf("codes", codes));
        insert.Parameters.Add(Sql.ArrayOf("contacts", contacts));
        insert.Parameters.Add(Sql.ArrayOf("variants", variants));
        insert.Parameters.Add(Sql.ArrayOf("urls", urls));
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The first host of <paramref name="text"/>'s links outside the tenant's allowed link domains, or null: our short
    /// links must never become a redirector to any site a text names (issue 12 item 10).
    /// </summary>
    public async Task<string?> DisallowedHostAsync(string? text, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var hosts = Url().Matches(text).Select(m => Uri.TryCreate(m.Value, UriKind.Absolute, out var u) ? u.Host : m.Value).Distinct().ToList();
        if (hosts.Count == 0) return null;
        var allowed = await safety.GetAsync(ct);
        return hosts.FirstOrDefault(h => !allowed.AllowsHost(h));
    }

    /// <summary>Only links to the allowed link domains (and the preferences link) get a short link; any other stays as written.</summary>
    private static List<string> Shortenable(List<string> urls, PublicSafety allowed) =>
        urls.Where(u => u == PreferencesUrl || (Uri.TryCreate(u, UriKind.Absolute, out var uri) && allowed.AllowsHost(uri.Host))).ToList();

    /// <summary>The distinct URLs of a text, and the preferences marker when the text has <c>{{unsubscribeLink}}</c> (a template) or its marker (rendered).</summary>
    private static List<string> UrlsOf(string text)
    {
        var urls = Url().Matches(text).Select(m => m.Value).Distinct().ToList();
        if (text.Contains(PreferencesUrl, StringComparison.Ordinal) || SmsTemplate.Variables(text).Contains(OptOutRule.LinkVariable)) urls.Add(PreferencesUrl);
        return urls;
    }

    private const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static string NewCode() => RandomNumberGenerator.GetString(Alphabet, 10);

    [GeneratedRegex(@"https?://[^\s]+[^\s.,;:!?)»""']")]
    private static partial Regex Url();
}
