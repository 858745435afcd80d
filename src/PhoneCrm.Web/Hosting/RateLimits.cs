using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Hosting;

/// <summary>A fixed window: at most <paramref name="PermitLimit"/> requests per <paramref name="Window"/>.</summary>
public sealed record RateLimit(int PermitLimit, TimeSpan Window)
{
    public static RateLimit Read(IConfiguration config, string section, int permits, int seconds) =>
        new(config.GetValue($"RateLimits:{section}:PermitLimit", permits), TimeSpan.FromSeconds(config.GetValue($"RateLimits:{section}:WindowSeconds", seconds)));

    public FixedWindowRateLimiterOptions Options() => new() { PermitLimit = PermitLimit, Window = Window, QueueLimit = 0 };
}

/// <summary>
/// api-v1 "Rate limits", each answering 429 with <c>Retry-After</c> before any work: the integration API per key
/// (<c>RateLimits:Api:*</c>, 600 per 60 s), sign-in — the password, the 2FA step and the password change — per client
/// address (<c>RateLimits:SignIn:*</c>, 10 per 60 s; each account is also locked after <c>Security:MaxFailedLogins</c>
/// failures), short links per client address (<c>RateLimits:Links:*</c>, 120 per 60 s); the public pages' own limit is
/// <c>Features/Consent/PublicFormLimits</c>. Addresses are counted as <see cref="ClientAddress"/> says (IPv6 by /64); a
/// request with no address at all (an in-process test host, a socket without forwarded headers) is not counted, since one
/// shared bucket would lock every user out at once.
/// </summary>
public static class RateLimits
{
    public const string Api = "api";
    public const string SignIn = "sign-in";
    public const string Links = "links";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration config)
    {
        var api = RateLimit.Read(config, "Api", 600, 60);
        var signIn = RateLimit.Read(config, "SignIn", 10, 60);
        var links = RateLimit.Read(config, "Links", 120, 60);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Api, context => RateLimitPartition.GetFixedWindowLimiter(ApiKeyOf(context), _ => api.Options()));
            o.AddPolicy(SignIn, context => ByAddress(context, signIn));
            o.AddPolicy(Links, context => ByAddress(context, links));
            o.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>A per-address limiter; no limit for a request without an address (see the class remarks).</summary>
    public static RateLimitPartition<string> ByAddress(HttpContext context, RateLimit limit) =>
        context.Connection.RemoteIpAddress is IPAddress address
            ? RateLimitPartition.GetFixedWindowLimiter(ClientAddress.PartitionOf(address), _ => limit.Options())
            : RateLimitPartition.GetNoLimiter("no-address");

    /// <summary>
    /// The key's id from the bearer token, read before authentication so a flood costs no database lookup; a token that
    /// is not a key shares one bucket per address (it is refused with 401 anyway).
    /// </summary>
    private static string ApiKeyOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) && ApiKeyService.TryParse(header[bearer.Length..].Trim(), out var tenant, out var keyId, out _))
            return $"key:{tenant:N}:{keyId}";
        return "no-key:" + ClientAddress.PartitionOf(context.Connection.RemoteIpAddress);
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var t = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            await Problems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
                $"Rate limit reached; retry after {seconds} seconds.");
            return;
        }

        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(string.Format(CultureInfo.CurrentCulture,
            t["Too many requests from your address. Try again in {0} seconds; nothing was recorded."], seconds), ct);
    }
}
