namespace PhoneCrm.Infrastructure.Segments;

/// <summary>
/// The one place that knows the consent ledger's current-state table (<c>consent_states</c>, built by the Consent
/// capability): a contact "has" consent for a purpose and channel when an active, unexpired state row exists.
/// </summary>
public static class ConsentSql
{
    /// <summary>A LEFT JOIN of the contact's active, unexpired state for one purpose and channel (at most one row, by the key).</summary>
    public static string Join(string alias, string purposeParameter, string channelParameter) =>
        $"LEFT JOIN consent_states {alias} ON {alias}.tenant_id = c.tenant_id AND {alias}.contact_id = c.id"
        + $" AND {alias}.purpose = @{purposeParameter} AND {alias}.channel = @{channelParameter} AND {alias}.status = 'active'"
        + $" AND ({alias}.expires_at IS NULL OR {alias}.expires_at > now())";
}
