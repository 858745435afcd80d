namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>The <c>Sms</c> configuration section (api-v1 operating contract).</summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";
    public const string SimulatorName = "Simulator";

    /// <summary><c>Simulator</c> (default), <c>SmsRu</c> or <c>Smsc</c>.</summary>
    public string Provider { get; set; } = SimulatorName;
    public SimulatorOptions Simulator { get; set; } = new();
    public DeliveryOptions Delivery { get; set; } = new();
    public HttpProviderOptions SmsRu { get; set; } = new() { BaseUrl = "https://sms.ru" };
    public HttpProviderOptions Smsc { get; set; } = new() { BaseUrl = "https://smsc.ru" };

    public bool IsSimulator => string.Equals(Provider, SimulatorName, StringComparison.OrdinalIgnoreCase);
}

public sealed class SimulatorOptions
{
    /// <summary>Share of send calls (0–1) the simulator refuses with a retryable error.</summary>
    public double FailureRate { get; set; }
    /// <summary>How long after acceptance the simulator reports delivery.</summary>
    public int DeliveryDelayMs { get; set; }
}

/// <summary><c>Sms:Delivery</c>: retries and the sweeper that makes crashes and retries converge.</summary>
public sealed class DeliveryOptions
{
    /// <summary>Send attempts before a message is given up as <c>failed</c>.</summary>
    public int MaxAttempts { get; set; } = 10;
    /// <summary>First retry delay; doubles per attempt up to <see cref="RetryMaxMs"/>.</summary>
    public int RetryBaseMs { get; set; } = 2000;
    public int RetryMaxMs { get; set; } = 300_000;
    /// <summary>Messages per provider call.</summary>
    public int BatchSize { get; set; } = 500;
    /// <summary>How often the sweeper looks at tenants with pending work.</summary>
    public int SweepIntervalMs { get; set; } = 1000;
    /// <summary>How often it looks at every tenant (work left by a process that died).</summary>
    public int FullScanSeconds { get; set; } = 60;
    /// <summary>A fresh message is left to its delivery job this long before the sweeper sends it itself.</summary>
    public int GraceSeconds { get; set; } = 10;
}

/// <summary>Credentials here are the fallback when a tenant has not entered its own in the Admin UI.</summary>
public sealed class HttpProviderOptions
{
    public string BaseUrl { get; set; } = "";
    /// <summary>SMS.ru <c>api_id</c> or SMSC login.</summary>
    public string? Login { get; set; }
    /// <summary>SMSC password.</summary>
    public string? Secret { get; set; }
    public string? Sender { get; set; }
    public int TimeoutSeconds { get; set; } = 15;
}
