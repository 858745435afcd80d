namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>The <c>Sms</c> configuration section (api-v1 operating contract).</summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";
    public const string SimulatorName = "Simulator";

    /// <summary><c>Simulator</c> (default), <c>SmsRu</c> or <c>Smsc</c>.</summary>
    public string Provider { get; set; } = SimulatorName;
    public SimulatorOptions Simulator { get; set; } = new();

    public bool IsSimulator => string.Equals(Provider, SimulatorName, StringComparison.OrdinalIgnoreCase);
}

public sealed class SimulatorOptions
{
    /// <summary>Share of send calls (0–1) the simulator refuses with a retryable error.</summary>
    public double FailureRate { get; set; }
    /// <summary>How long after acceptance the simulator reports delivery.</summary>
    public int DeliveryDelayMs { get; set; }
}
