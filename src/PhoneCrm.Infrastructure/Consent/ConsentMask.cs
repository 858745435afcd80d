using Npgsql;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// A contact's current consents as one number on its row, for segment counts: <c>contacts.consent_mask</c> has bit
/// <c>consent_keys.bit</c> set for each purpose and channel with an active, unexpired state in <c>consent_states</c>.
/// The database keeps it: statement triggers on <c>consent_states</c> recompute the changed contacts (whoever wrote the
/// rows, one statement or a bulk COPY), and <c>consents_expire_at</c> is the next expiry among them, so
/// <see cref="RefreshDueAsync"/> brings expired ones up to date before a count. A tenant's first 63 purpose × channel keys
/// get a bit; later ones have none and are read from <c>consent_states</c> (see <c>ConsentSql</c>).
/// </summary>
public static class ConsentMask
{
    public const string Create = """
        CREATE TABLE consent_keys (
          tenant_id uuid NOT NULL,
          purpose varchar(64) NOT NULL,
          channel varchar(16) NOT NULL,
          bit smallint,
          CONSTRAINT pk_consent_keys PRIMARY KEY (tenant_id, purpose, channel),
          CONSTRAINT ak_consent_keys_tenant_id_bit UNIQUE (tenant_id, bit),
          CONSTRAINT fk_consent_keys_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
        );
        ALTER TABLE contacts ADD COLUMN consent_mask bigint NOT NULL DEFAULT 0, ADD COLUMN consents_expire_at timestamptz;
        CREATE INDEX ix_contacts_tenant_id_consents_expire_at ON contacts (tenant_id, consents_expire_at) WHERE consents_expire_at IS NOT NULL;

        CREATE FUNCTION contacts_refresh_consents(p_tenant uuid, p_contacts uuid[]) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM consent_states s WHERE s.tenant_id = p_tenant AND s.contact_id = ANY (p_contacts)
                       AND NOT EXISTS (SELECT 1 FROM consent_keys k WHERE k.tenant_id = p_tenant AND k.purpose = s.purpose AND k.channel = s.channel)) THEN
            -- New keys take the next free bits; the lock keeps two transactions from taking the same one.
            PERFORM pg_advisory_xact_lock(hashtextextended('consent_keys:' || p_tenant::text, 0));
            INSERT INTO consent_keys (tenant_id, purpose, channel, bit)
            SELECT p_tenant, n.purpose, n.channel, CASE WHEN b.next + n.rn - 1 < 63 THEN b.next + n.rn - 1 END
            FROM (SELECT d.purpose, d.channel, row_number() OVER (ORDER BY d.purpose, d.channel) AS rn
                  FROM (SELECT DISTINCT s.purpose, s.channel FROM consent_states s
                        WHERE s.tenant_id = p_tenant AND s.contact_id = ANY (p_contacts)
                          AND NOT EXISTS (SELECT 1 FROM consent_keys k
                                          WHERE k.tenant_id = p_tenant AND k.purpose = s.purpose AND k.channel = s.channel)) d) n
            CROSS JOIN (SELECT coalesce(max(bit) + 1, 0) AS next FROM consent_keys WHERE tenant_id = p_tenant) b;
          END IF;
          -- Rows are locked in id order first: two refreshes of overlapping contacts (say, counts right after a batch of
          -- consents granted together expired) then wait for each other instead of deadlocking.
          PERFORM 1 FROM contacts WHERE tenant_id = p_tenant AND id = ANY (p_contacts) ORDER BY id FOR NO KEY UPDATE;
          UPDATE contacts c SET consent_mask = x.mask, consents_expire_at = x.expires
          FROM (SELECT ids.contact_id, coalesce(bit_or(1::bigint << k.bit), 0) AS mask, min(s.expires_at) AS expires
                FROM unnest(p_contacts) AS ids (contact_id)
                LEFT JOIN consent_states s ON s.tenant_id = p_tenant AND s.contact_id = ids.contact_id AND s.status = 'active'
                  AND (s.expires_at IS NULL OR s.expires_at > now())
                LEFT JOIN consent_keys k ON k.tenant_id = p_tenant AND k.purpose = s.purpose AND k.channel = s.channel
                GROUP BY ids.contact_id) x
          WHERE c.tenant_id = p_tenant AND c.id = x.contact_id
            AND (c.consent_mask, c.consents_expire_at) IS DISTINCT FROM (x.mask, x.expires);
        END $$;

        CREATE FUNCTION consent_states_refresh_contacts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            PERFORM contacts_refresh_consents(tenant_id, array_agg(DISTINCT contact_id)) FROM new_rows GROUP BY tenant_id;
          ELSIF TG_OP = 'UPDATE' THEN
            PERFORM contacts_refresh_consents(tenant_id, array_agg(DISTINCT contact_id))
            FROM (SELECT tenant_id, contact_id FROM new_rows UNION SELECT tenant_id, contact_id FROM old_rows) r GROUP BY tenant_id;
          ELSE
            PERFORM contacts_refresh_consents(tenant_id, array_agg(DISTINCT contact_id)) FROM old_rows GROUP BY tenant_id;
          END IF;
          RETURN NULL;
        END $$;
        CREATE TRIGGER consent_states_mask_insert AFTER INSERT ON consent_states REFERENCING NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION consent_states_refresh_contacts();
        CREATE TRIGGER consent_states_mask_update AFTER UPDATE ON consent_states REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION consent_states_refresh_contacts();
        CREATE TRIGGER consent_states_mask_delete AFTER DELETE ON consent_states REFERENCING OLD TABLE AS old_rows
          FOR EACH STATEMENT EXECUTE FUNCTION consent_states_refresh_contacts();
        """;

    public const string Drop = """
        DROP TRIGGER consent_states_mask_insert ON consent_states;
        DROP TRIGGER consent_states_mask_update ON consent_states;
        DROP TRIGGER consent_states_mask_delete ON consent_states;
        DROP FUNCTION consent_states_refresh_contacts();
        DROP FUNCTION contacts_refresh_consents(uuid, uuid[]);
        ALTER TABLE contacts DROP COLUMN consent_mask, DROP COLUMN consents_expire_at;
        DROP TABLE consent_keys;
        """;

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
