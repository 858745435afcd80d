using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// Bot protection of the public pages without third-party captchas: a per-IP fixed window (config
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
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
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
}
