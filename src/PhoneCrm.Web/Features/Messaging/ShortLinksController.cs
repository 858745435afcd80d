using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>Per-recipient short links from campaign texts: records the click and redirects with UTM tags. Anonymous.</summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class ShortLinksController(PhoneCrmDbContext db) : Controller
{
    [HttpGet("/r/{code}")]
    public async Task<IActionResult> FollowAsync(string code, CancellationToken ct)
    {
        if (code.Length is 0 or > 16) return NotFound();
        // short_links is global (no RLS): the code alone finds the tenant's link.
        var link = await db.ShortLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Code == code, ct);
        if (link is null) return NotFound();
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE short_links SET clicks = clicks + 1, first_clicked_at = coalesce(first_clicked_at, now()) WHERE code = {code}", ct);
        var target = link.Url;
        var tags = new Dictionary<string, string?>
        {
            ["utm_source"] = "sms",
            ["utm_medium"] = "sms",
            ["utm_campaign"] = link.CampaignId.ToString("N"),
        };
        if (link.Variant is not null) tags["utm_content"] = link.Variant;
        foreach (var (k, v) in tags)
        {
            if (!target.Contains(k + "=", StringComparison.Ordinal)) target = QueryHelpers.AddQueryString(target, k, v!);
        }

        return Redirect(target);
    }
}
