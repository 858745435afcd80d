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
}
