namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>Encryption contexts of the messaging tables (a value cannot be moved between columns).</summary>
public static class SmsPii
{
    public const string Phone = "sms.phone";
    public const string Text = "sms.text";
    public const string SimulatorPhone = "sms_simulator.phone";
    public const string SimulatorText = "sms_simulator.text";
    public const string InboundFrom = "sms_inbound.from";
    public const string InboundText = "sms_inbound.text";
    public const string NumberChangePhone = "number_change.phone";
    public const string ProviderLogin = "sms_provider.login";
    public const string ProviderSecret = "sms_provider.secret";
}
