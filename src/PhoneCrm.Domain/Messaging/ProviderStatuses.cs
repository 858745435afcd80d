namespace PhoneCrm.Domain.Messaging;

/// <summary>Provider delivery states mapped to <see cref="SmsStatus"/> (PRODUCT §4.4). Null: not a known state.</summary>
public static class ProviderStatuses
{
    /// <summary>SMS.ru status codes: 100–102 on the way, 103 delivered, 104 expired, 105 deleted, 106/107 failed, 108 rejected.</summary>
    public static string? FromSmsRu(int code) => code switch
    {
        100 or 101 or 102 => SmsStatus.Sent,
        103 => SmsStatus.Delivered,
        104 => SmsStatus.Expired,
        105 or 106 or 107 => SmsStatus.Undelivered,
        108 => SmsStatus.Rejected,
        _ => null,
    };

    /// <summary>SMSC.ru: −1 waiting, 0 handed to the operator, 1 delivered, 2 read, 3 expired, 20+ errors.</summary>
    public static string? FromSmsc(int code) => code switch
    {
        -1 or 0 => SmsStatus.Sent,
        1 => SmsStatus.Delivered,
        2 => SmsStatus.Read,
        3 => SmsStatus.Expired,
        // 22 invalid number, 23 prohibited, 24 no funds: the message was refused rather than lost on the way.
        22 or 23 or 24 => SmsStatus.Rejected,
        >= 20 => SmsStatus.Undelivered,
        _ => null,
    };

    /// <summary>SMPP delivery receipt states (<c>stat:</c> of a receipt).</summary>
    public static string? FromSmpp(string? state) => state?.Trim().ToUpperInvariant() switch
    {
        "ACCEPTD" or "ENROUTE" => SmsStatus.Sent,
        "DELIVRD" => SmsStatus.Delivered,
        "EXPIRED" => SmsStatus.Expired,
        "DELETED" or "UNDELIV" or "UNKNOWN" => SmsStatus.Undelivered,
        "REJECTD" => SmsStatus.Rejected,
        _ => null,
    };
}
