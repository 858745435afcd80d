using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Hosting;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Hosting;

/// <summary>
/// OpenTelemetry: metrics of ASP.NET Core, HttpClient, Npgsql, the runtime and the domain (<see cref="PhoneCrmMetrics"/>)
/// served in Prometheus format at <see cref="MetricsPath"/> for operators only, and traces when an OTLP endpoint is set
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>). Who reads <see cref="MetricsPath"/>:
/// <list type="bullet">
/// <item>on the app's own port, a signed-in platform operator; everyone else (anonymous, tenant users, API keys) gets 404
/// like every platform page;</item>
/// <item>on <c>Metrics:Port</c>, when set and listed among the listen addresses (<c>ASPNETCORE_HTTP_PORTS=8080;9464</c>),
/// anyone who reaches that port — a Prometheus on the internal network; that port is never published nor proxied, and it
/// serves nothing but <see cref="MetricsPath"/>. The port is the connection's local port, not the Host header, so a
/// request to the public port cannot pass for one to the metrics port.</item>
/// </list>
/// </summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration config)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("phonecrm"))
            .WithMetrics(m => m
                .AddMeter(PhoneCrmMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath)
                        && !context.Request.Path.StartsWithSegments("/health");
                    // A preference token (/p/…) or a short-link code (/r/…) is a key to a person: traces carry the
                    // redacted path, as the request log does.
                    o.EnrichWithHttpRequest = (activity, request) => activity.SetTag("url.path", Logging.RedactedPath(request.Path));
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>The metrics port, first in the pipeline: <see cref="MetricsPath"/> to anyone reaching it, nothing else.</summary>
    public static void UseMetricsPort(this WebApplication app)
    {
        if (app.Configuration.GetValue<int?>("Metrics:Port") is not { } port) return;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null,
            predicate: context => context.Connection.LocalPort == port && context.Request.Path == MetricsPath,
            path: null, configureBranchedPipeline: null, optionsName: null);
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort != port) return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    /// <summary>The same endpoint on the app's port, for platform operators only (404 for everyone else).</summary>
    public static void MapOperatorMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .RequireAuthorization(RequirePermissionAttribute.PolicyName(Permission.PlatformOperations));
}
