using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using PhoneCrm.Domain.Access;
using PhoneCrm.Web.Features.Access;
using Scalar.AspNetCore;
using Serilog;

namespace PhoneCrm.Web.Hosting;

public static class Pipeline
{
    public static void UsePhoneCrm(this WebApplication app)
    {
        app.UseMetricsPort();
        UseTrustedProxies(app);
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error");
            app.UseHsts();
        }

        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.UseSerilogRequestLogging(o =>
        {
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            // The path is logged redacted: a preference token (/p/…) or a short-link code (/r/…) is a key to a person.
            o.GetMessageTemplateProperties = (context, path, elapsed, status) =>
            [
                new Serilog.Events.LogEventProperty("RequestMethod", new Serilog.Events.ScalarValue(context.Request.Method)),
                new Serilog.Events.LogEventProperty("RequestPath", new Serilog.Events.ScalarValue(Logging.RedactedPath(path))),
                new Serilog.Events.LogEventProperty("StatusCode", new Serilog.Events.ScalarValue(status)),
                new Serilog.Events.LogEventProperty("Elapsed", new Serilog.Events.ScalarValue(elapsed)),
            ];
        });
        app.UseCookiePolicy();
        app.Use(SecurityHeadersAsync);
        app.UseStaticFiles();
        app.UseRequestLocalization();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseMiddleware<TenantResolutionMiddleware>();
        app.UseAuthorization();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        // The reference UI asks for the document relative to its own path.
        app.MapOpenApi("/api/docs/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("PhoneCrm API v1").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();
        app.MapHangfireDashboard("/jobs", new DashboardOptions
            {
                // Access is decided by the endpoint's permission below (platform operators only; everyone else gets 404),
                // not by Hangfire's local-only default: the dashboard lists, retries and deletes every tenant's jobs.
                Authorization = [],
                AsyncAuthorization = [],
                DashboardTitle = "PhoneCrm jobs",
                AppPath = "/",
            })
            .RequireAuthorization(RequirePermissionAttribute.PolicyName(Permission.PlatformOperations));
        app.MapOperatorMetrics();
        app.MapControllers();
    }

    private static Task SecurityHeadersAsync(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        var path = context.Request.Path;
        // The API reference and the jobs dashboard ship their own inline scripts.
        if (path.StartsWithSegments("/f"))
        {
            // Hosted capture forms are meant to be embedded (iframe snippet) on the tenant's own site.
            headers.ContentSecurityPolicy =
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
                "frame-ancestors *; form-action 'self'; base-uri 'self'; object-src 'none'";
        }
        else if (path.StartsWithSegments("/api/docs") || path.StartsWithSegments("/jobs"))
        {
            // Their own inline scripts need a looser policy, but no page of ours is ever framed (clickjacking).
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        }
        else
        {
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy =
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
                "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'";
        }

        return next();
    }

    /// <summary>
    /// Behind a reverse proxy the client's address (rate limits, consent evidence) comes from X-Forwarded-For, but only
    /// from the proxies listed in <c>ForwardedHeaders:KnownProxies</c>; without the list the header is ignored, so it
    /// cannot be spoofed.
    /// </summary>
    private static void UseTrustedProxies(WebApplication app)
    {
        var proxies = app.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [];
        if (proxies.Length == 0) return;
        var options = new Microsoft.AspNetCore.Builder.ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
        };
        foreach (var proxy in proxies) options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
        app.UseForwardedHeaders(options);
    }
}
