using System.Globalization;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace PhoneCrm.Web.Hosting;

public static class Logging
{
    /// <summary>
    /// Structured logs: readable text in development, JSON in production. CLI verbs log to stderr so stdout carries
    /// only their result. Log lines never carry personal data: request logs show the path, not the query string.
    /// </summary>
    public static void AddPhoneCrmLogging(this WebApplicationBuilder builder, bool quiet)
    {
        builder.Services.AddSerilog((_, cfg) =>
        {
            cfg.MinimumLevel.Is(quiet ? LogEventLevel.Warning : LogEventLevel.Information)
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", quiet ? LogEventLevel.Warning : LogEventLevel.Information)
                .MinimumLevel.Override("Hangfire", LogEventLevel.Warning)
                .Enrich.FromLogContext();
            var stderrFrom = quiet ? LogEventLevel.Verbose : LogEventLevel.Error;
            if (builder.Environment.IsProduction() && !quiet)
                cfg.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: stderrFrom);
            else
                cfg.WriteTo.Console(standardErrorFromLevel: stderrFrom, formatProvider: CultureInfo.InvariantCulture,
                    outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        });
    }

    private static readonly string[] _secretSegments = ["/p", "/r"];

    /// <summary>
    /// The request path as logs show it: what follows <c>/p/</c> (a preference token) or <c>/r/</c> (a short-link code) is a
    /// bearer secret that opens one person's page or identifies one recipient, so it is replaced by <c>***</c>.
    /// </summary>
    public static string RedactedPath(string? path)
    {
        var value = new PathString(string.IsNullOrEmpty(path) ? "/" : path);
        foreach (var prefix in _secretSegments)
        {
            if (value.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase, out var rest) && rest.HasValue && rest != "/")
                return prefix + "/***";
        }

        return value.Value!;
    }
}
