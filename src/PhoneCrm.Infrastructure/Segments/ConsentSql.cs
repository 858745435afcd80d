namespace PhoneCrm.Infrastructure.Segments;

/// <summary>
/// The one place that knows the consent ledger's current-state table (<c>consent_states</c>, built by the Consent
/// capability): a contact "has" consent for a purpose and channel when an active, unexpired state row exists.
/// </summary>
public static class ConsentSql
{
    public static string Condition(bool has, string purposeParameter, string channelParameter) =>
        (has ? "" : "NOT ") + "EXISTS (SELECT 1 FROM consent_states s WHERE s.tenant_id = c.tenant_id AND s.contact_id = c.id"
        + $" AND s.purpose = @{purposeParameter} AND s.channel = @{channelParameter} AND s.status = 'active'"
        + " AND (s.expires_at IS NULL OR s.expires_at > now()))";
}
