using Npgsql;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// A contact's current consents as one number on its row, for segment counts: <c>contacts.consent_mask</c> has bit
/// <c>consent_keys.bit</c> set for each purpose and channel with an active, unexpired state in <c>consent_states</c>.
/// The database keeps it: statement triggers on <c>consent_states</c> (function <c>contacts_refresh_consents</c>, created by
/// the migration <c>SegmentFactsOnContacts</c>) recompute the changed contacts (whoever wrote the
/// rows, one statement or a bulk COPY), and <c>consents_expire_at</c> is the next expiry among them, so
/// <see cref="RefreshDueAsync"/> brings expired ones up to date before a count. A tenant's first 63 purpose × channel keys
/// get a bit; later ones have none and are read from <c>consent_states</c> (see <c>ConsentSql</c>).
/// </summary>
public static class ConsentMask
{
    /// <summary>Recomputes the masks of the current tenant's contacts whose next consent expiry has passed.</summary>
    public static async Task RefreshDueAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT contacts_refresh_consents(app_current_tenant(), ids) FROM (
              SELECT array_agg(id) AS ids FROM contacts WHERE tenant_id = app_current_tenant() AND consents_expire_at <= now()) d
            WHERE ids IS NOT NULL
            """, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The current tenant's bit of each purpose and channel ("purpose:channel"); keys past the 63rd have none.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> BitsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT purpose, channel, bit FROM consent_keys WHERE tenant_id = app_current_tenant() AND bit IS NOT NULL", conn, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var bits = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) bits[Key(reader.GetString(0), reader.GetString(1))] = reader.GetInt16(2);
        return bits;
    }

    public static string Key(string purpose, string channel) => purpose + ":" + channel;
}
