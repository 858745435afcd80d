using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// Bot protection of the public pages without third-party captchas: a per-address fixed window (IPv6 by /64, see
/// <see cref="ClientAddress"/>) (config
/// <c>RateLimits:PublicForms:PermitLimit</c>, <c>RateLimits:PublicForms:WindowSeconds</c>); beyond it 429 with
/// <c>Retry-After</c>, before any work is done. The honeypot is checked by the page itself.
/// </summary>
public static class PublicFormLimits
{
    public const string Policy = "public-forms";

    public static IServiceCollection AddPublicFormLimits(this IServiceCollection services, IConfiguration config)
    {
        var permits = config.GetValue("RateLimits:PublicForms:PermitLimit", 10);
        var window = TimeSpan.FromSeconds(config.GetValue("RateLimits:PublicForms:WindowSeconds", 60));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.PartitionOf(context.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 }));
            o.OnRejected = async (context, ct) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : (int)window.TotalSeconds;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                var t = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<SharedResource>>();
                await context.HttpContext.Response.WriteAsync(string.Format(CultureInfo.CurrentCulture,
                    t["Too many requests from your address. Try again in {0} seconds; nothing was recorded."], seconds), ct);
            };
        });
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
