namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// The one statement of the consent ledger's current-state rule in SQL (<c>consent_states</c>): a contact "has" consent
/// for a purpose and channel when an active state row exists that has not expired. The send policy and segment rules
/// read it from here; <see cref="PhoneCrm.Domain.Consent.ConsentStatus.At"/> is the same rule in C#.
/// </summary>
public static class ConsentSql
{
    /// <summary>
    /// The state row <paramref name="alias"/> holds at <paramref name="now"/> (an SQL expression: a parameter such as
    /// <c>@now</c>, or <c>now()</c>).
    /// </summary>
    public static string IsActive(string alias, string now = "now()") =>
        $"{alias}.status = 'active' AND ({alias}.expires_at IS NULL OR {alias}.expires_at > {now})";

    /// <summary>A LEFT JOIN of the contact's active, unexpired state for one purpose and channel (at most one row, by the key).</summary>
    public static string Join(string alias, string purposeParameter, string channelParameter) =>
        $"LEFT JOIN consent_states {alias} ON {alias}.tenant_id = c.tenant_id AND {alias}.contact_id = c.id"
        + $" AND {alias}.purpose = @{purposeParameter} AND {alias}.channel = @{channelParameter} AND {IsActive(alias)}";
}
