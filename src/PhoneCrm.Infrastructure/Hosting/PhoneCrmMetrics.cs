using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PhoneCrm.Infrastructure.Hosting;

/// <summary>
/// The domain's counters, on one <see cref="Meter"/> named <see cref="MeterName"/> (exported by OpenTelemetry to the
/// operators' Prometheus endpoint, names in <c>deploy/grafana/phonecrm.json</c>). Tags come only from small fixed sets —
/// message kinds, provider names, policy reasons, import kinds, job names — never a person's data, a tenant's name or id.
/// </summary>
public static class PhoneCrmMetrics
{
    public const string MeterName = "PhoneCrm";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> SmsQueued = Meter.CreateCounter<long>("phonecrm.sms.queued", "{message}",
        "Messages put in the outbox (a key queued twice counts once), by kind.");

    private static readonly Counter<long> SmsSent = Meter.CreateCounter<long>("phonecrm.sms.sent", "{message}",
        "Messages a provider accepted, by provider.");

    private static readonly Counter<long> SmsFailed = Meter.CreateCounter<long>("phonecrm.sms.failed", "{message}",
        "Messages that ended failed (refused by the provider or out of retries), by provider.");

    private static readonly Counter<long> SmsRetried = Meter.CreateCounter<long>("phonecrm.sms.retried", "{message}",
        "Attempts that failed for now and were put back in the queue for a later retry, by provider.");

    private static readonly Counter<long> PolicySkips = Meter.CreateCounter<long>("phonecrm.send_policy.skips", "{message}",
        "Messages the send policy did not let out, by kind and reason.");

    private static readonly Counter<long> ImportRows = Meter.CreateCounter<long>("phonecrm.import.rows", "{row}",
        "File rows an import committed (rows per second: its rate), by import kind.");

    private static readonly Counter<long> ImportRowsRejected = Meter.CreateCounter<long>("phonecrm.import.rows.rejected", "{row}",
        "File rows an import rejected, by import kind.");

    private static readonly Counter<long> ImportsCompleted = Meter.CreateCounter<long>("phonecrm.imports.completed", "{import}",
        "Imports that ran to the end, by import kind.");

    private static readonly Histogram<double> JobDuration = Meter.CreateHistogram("phonecrm.job.duration", "s",
        "How long a background job ran, by job and outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800] });

    public static void Queued(string kind, int count)
    {
        if (count > 0) SmsQueued.Add(count, new KeyValuePair<string, object?>("kind", kind));
    }

    public static void Delivered(string provider, int sent, int failed, int retried)
    {
        var tag = new KeyValuePair<string, object?>("provider", provider);
        if (sent > 0) SmsSent.Add(sent, tag);
        if (failed > 0) SmsFailed.Add(failed, tag);
        if (retried > 0) SmsRetried.Add(retried, tag);
    }

    /// <summary>One message the policy refused, <paramref name="reason"/> one of <c>SendReasons.Skips</c>.</summary>
    public static void Skipped(string kind, string? reason) =>
        PolicySkips.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("reason", reason ?? "unknown"));

    public static void ImportBatch(string kind, int rows, int rejected)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        ImportRows.Add(rows, tag);
        if (rejected > 0) ImportRowsRejected.Add(rejected, tag);
    }

    public static void ImportCompleted(string kind) => ImportsCompleted.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public static void JobRan(string job, bool succeeded, TimeSpan elapsed) =>
        JobDuration.Record(elapsed.TotalSeconds, new TagList
        {
            { "job", job },
            { "outcome", succeeded ? "succeeded" : "failed" },
        });
}
