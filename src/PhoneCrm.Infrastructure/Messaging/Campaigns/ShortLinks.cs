using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hosting;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

/// <summary>
/// Per-recipient short links (<c>{PublicAddress}/r/{code}</c>) for the URLs in campaign texts: created per batch by the
/// dispatcher, followed by anyone (the click counted, the target tagged with UTM), counted in the campaign's clicks.
/// </summary>
public sealed partial class ShortLinks(PhoneCrmDbContext db, IConfiguration config)
{
    public const int MaxCodeLength = 16;

    public string BaseUrl => PublicAddress.Of(config);

    public string LinkFor(string code) => $"{BaseUrl}/r/{code}";

    /// <summary>Every URL of <paramref name="text"/> for which <paramref name="codeOf"/> has a code, replaced by its short link.</summary>
    public string Shorten(string text, Func<string, string?> codeOf) =>
        Url().Replace(text, m => codeOf(m.Value) is { } code ? LinkFor(code) : m.Value);

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
            $"UPDATE short_links SET clicks = clicks + 1, first_clicked_at = coalesce(first_clicked_at, now()) WHERE code = {code}", ct);
        var target = link.Url;
        var tags = new Dictionary<string, string>
        {
            ["utm_source"] = "sms",
            ["utm_medium"] = "sms",
            ["utm_campaign"] = link.CampaignId.ToString("N"),
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
        var urlsA = Url().Matches(campaign.Text).Select(m => m.Value).Distinct().ToList();
        var urlsB = campaign.VariantB is null ? [] : Url().Matches(campaign.VariantB).Select(m => m.Value).Distinct().ToList();
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
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO short_links (code, owner_tenant_id, campaign_id, contact_id, variant, url, clicks, created_at)
            SELECT x.code, app_current_tenant(), @c, x.contact, x.variant, x.url, 0, now()
            FROM unnest(@codes, @contacts, @variants, @urls) AS x(code, contact, variant, url)
            ON CONFLICT DO NOTHING
            """, conn))
        {
            insert.Parameters.Add(new NpgsqlParameter("c", campaign.Id));
            insert.Parameters.Add(Sql.ArrayOf("codes", codes));
            insert.Parameters.Add(Sql.ArrayOf("contacts", contacts));
            insert.Parameters.Add(Sql.ArrayOf("variants", variants));
            insert.Parameters.Add(Sql.ArrayOf("urls", urls));
            await insert.ExecuteNonQueryAsync(ct);
        }

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

    private const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private static string NewCode() => RandomNumberGenerator.GetString(Alphabet, 10);

    [GeneratedRegex(@"https?://[^\s]+[^\s.,;:!?)»""']")]
    private static partial Regex Url();
}
