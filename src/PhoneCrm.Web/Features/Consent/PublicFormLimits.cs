using System.Globalization;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// Bot protection of the public pages without third-party captchas: a per-address fixed window (IPv6 by /64, see
/// <see cref="ClientAddress"/>) (config
/// <c>RateLimits:PublicForms:PermitLimit</c>, <c>RateLimits:PublicForms:WindowSeconds</c>); beyond it 429 with
/// <c>Retry-After</c>, before any work is done (answered by <see cref="RateLimits"/>). The honeypot is checked by the page itself.
/// </summary>
public static class PublicFormLimits
{
    public const string Policy = "public-forms";

    public static IServiceCollection AddPublicFormLimits(this IServiceCollection services, IConfiguration config)
    {
        var limit = RateLimit.Read(config, "PublicForms", 10, 60);
        services.AddRateLimiter(o => o.AddPolicy(Policy, context => RateLimits.ByAddress(context, limit)));
        return services;
    }

    /// <summary>
    /// A code limit (per number or the tenant's daily budget) answered as the page's 429 with <c>Retry-After</c>: sets the
    /// status and header and returns the message for the page.
    /// </summary>
    public static string CodeLimitReached(HttpResponse response, TimeSpan wait, Microsoft.Extensions.Localization.IStringLocalizer t)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return string.Format(CultureInfo.CurrentCulture, t["Too many codes were requested. Try again in {0} minutes; nothing was sent."],
            Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes)));
    }
}
