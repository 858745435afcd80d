using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>Per-recipient short links from campaign texts: records the click and redirects with UTM tags. Anonymous.</summary>
[AllowAnonymous, EnableRateLimiting(RateLimits.Links)]
[IgnoreAntiforgeryToken]
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class ShortLinksController(ShortLinks links) : Controller
{
    [HttpGet("/r/{code}")]
    public async Task<IActionResult> FollowAsync(string code, CancellationToken ct) =>
        await links.FollowAsync(code, ct) is { } target ? Redirect(target) : NotFound();
}
