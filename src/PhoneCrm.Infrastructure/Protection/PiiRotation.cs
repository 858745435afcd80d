using System.Text.RegularExpressions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Requests;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// Key rotation that cannot lose data. <see cref="PiiKeyRing.Rotate"/> persists the new key before it is used (or
/// refuses when keys come from configuration); other nodes pick it up from the shared key file
/// (<see cref="PiiKeyRingReloader"/>); a background job then re-encrypts <b>every</b> encrypted column of every tenant
/// (<see cref="Tables"/>, checked against the database catalog by a test) and the data-protection keys, tenant by tenant
/// in batches, without overwriting a value changed meanwhile. The status counts, per key, the values it still
/// protects anywhere: an old key is safe to retire when it protects none.
/// <para>
/// The same pass binds values to their tenant (issue 12 item 3): a format-1 value (<see cref="PiiProtector"/>; its
/// associated data names no tenant) is rewritten as format 2 for the row's tenant, even under the active key. The
/// per-tenant job <see cref="PiiTenantBinding"/> runs the pass daily, so data written before format 2 is migrated in the
/// background, resumably (a value once rewritten is never selected again), with no downtime (both formats are read
/// meanwhile); the status counts the format-1 values left, per table.
/// </para>
/// </summary>
public sealed partial class PiiRotation(
    PhoneCrmDbContext db,
    PiiKeyRing ring,
    PiiProtector pii,
    BlindIndexMigration indexes,
    IBackgroundJobClient jobs,
    AuditActor actor,
    IConfiguration config,
    ILogger<PiiRotation> logger)
{
    /// <summary>A tenant-owned table's encrypted columns and the context each is encrypted under.</summary>
    /// <param name="BatchRows">Rows per batch: small where each value is large (a file's 1 MiB chunks).</param>
    public sealed record EncryptedTable(string Name, (string Column, string Context)[] Columns, int BatchRows = 2000);

    /// <summary>Every column <see cref="PiiProtector"/> writes. A new encrypted column must be added here (a test reads the catalog).</summary>
    public static readonly IReadOnlyList<EncryptedTable> Tables =
    [
        new("contacts", [("phone_cipher", ContactService.PhoneContext), ("first_name_cipher", ContactService.FirstNameContext),
            ("last_name_cipher", ContactService.LastNameContext), ("email_cipher", ContactService.EmailContext),
            ("middle_name_cipher", ContactService.MiddleNameContext), ("other_phones_cipher", ContactService.OtherPhonesContext)]),
        new("contact_notes", [("text_cipher", ContactService.NoteContext)]),
        new("subject_requests", [("phone_cipher", SubjectRequests.PhoneContext), ("full_name_cipher", SubjectRequests.FullNameContext),
            ("email_cipher", SubjectRequests.EmailContext), ("report_cipher", SubjectRequests.ReportContext)]),
        new("subject_request_challenges", [("phone_cipher", SubjectRequests.PhoneContext), ("full_name_cipher", SubjectRequests.FullNameContext),
            ("email_cipher", SubjectRequests.EmailContext)]),
        new("consent_code_challenges", [("phone_cipher", FormSubmissions.PhoneContext), ("name_cipher", FormSubmissions.NameContext)]),
        new("destruction_acts", [("subject_name_cipher", DestructionActs.SubjectNameContext)]),
        new("import_rejections", [("value_enc", ImportRun.RejectionContext)]),
        new("sms_messages", [("phone_cipher", SmsPii.Phone), ("text_cipher", SmsPii.Text)]),
        new("sms_inbound", [("from_cipher", SmsPii.InboundFrom), ("text_cipher", SmsPii.InboundText)]),
        new("sms_number_changes", [("new_phone_cipher", SmsPii.NumberChangePhone)]),
        new("sms_simulator_messages", [("phone_cipher", SmsPii.SimulatorPhone), ("text_cipher", SmsPii.SimulatorText)]),
        new("sms_provider_settings", [("login_cipher", SmsPii.ProviderLogin), ("secret_cipher", SmsPii.ProviderSecret)]),
        // An upload waiting for its import (deleted when the import ends, expired after a day): still needs its key until then.
        new("import_file_chunks", [("data", ImportFileStore.ChunkContext)], BatchRows: 16),
    ];

    /// <summary>One key of the ring (or an id found in stored data): how many stored values it protects.</summary>
    public sealed record KeyUse(string KeyId, long Values, bool Active, bool InRing)
    {
        /// <summary>Not active and protecting nothing: it may leave the key file or configuration.</summary>
        public bool SafeToRetire => !Active && Values == 0;
    }

    /// <summary>How far stored values are bound to their tenant: format-1 values left, per table (every tenant's rows together).</summary>
    public sealed record TenantBinding(IReadOnlyDictionary<string, long> LegacyByTable)
    {
        public long LegacyValues => LegacyByTable.Values.Sum();
        public bool Done => LegacyValues == 0;
    }

    /// <param name="Runbook">Set when rotation here is refused (keys from configuration): what to do instead.</param>
    /// <param name="Indexes">How far the tenants' blind indexes are bound to their tenant (<see cref="BlindIndexMigration"/>).</param>
    /// <param name="Binding">How far the ciphertexts are bound to their tenant (format 2; job <see cref="PiiTenantBinding"/>).</param>
    public sealed record KeyStatus(string ActiveKeyId, string? Runbook, IReadOnlyList<KeyUse> Keys, BlindIndexMigration.Progress Indexes,
        TenantBinding Binding)
    {
        public long StaleValues => Keys.Where(k => !k.Active).Sum(k => k.Values);
    }

    /// <summary>For the platform's encryption page: every key, the values each protects across every tenant and table.</summary>
    public async Task<KeyStatus> StatusAsync(CancellationToken ct)
    {
        var (counts, legacy) = await CountByKeyAsync(ct);
        var ids = ring.KeyIds.Union(counts.Keys).Order(StringComparer.Ordinal);
        return new KeyStatus(ring.ActiveKeyId, ring.FromConfiguration ? PiiKeyRing.ConfigurationRunbook : null,
            [.. ids.Select(id => new KeyUse(id, counts.GetValueOrDefault(id), id == ring.ActiveKeyId, ring.KeyIds.Contains(id)))],
            await indexes.ProgressAsync(ct), new TenantBinding(legacy));
    }

    /// <summary>
    /// Activates a new, already persisted key and queues the re-encryption: now, and once more after every node has
    /// reloaded the ring (values a node wrote under the old key meanwhile). Returns the new key id.
    /// </summary>
    /// <exception cref="PiiRotationRefusedException">Keys come from configuration; the message is the runbook.</exception>
    public Task<string> RotateAsync()
    {
        var keyId = ring.Rotate();
        // A platform act outside every tenant: the application log records it (a tenant's audit log is its own work).
        LogRotated(keyId, actor.Name);
        QueueReencryption();
        return Task.FromResult(keyId);
    }

    /// <summary>Queues re-encryption under the active key (after a configuration rollout, or to finish a pass).</summary>
    public void QueueReencryption()
    {
        jobs.Enqueue<PiiRotation>(r => r.ReencryptAllAsync(CancellationToken.None));
        var reload = config.GetValue("Protection:ReloadSeconds", PiiKeyRingReloader.DefaultReloadSeconds);
        jobs.Schedule<PiiRotation>(r => r.ReencryptAllAsync(CancellationToken.None), TimeSpan.FromSeconds(2 * reload + 1));
    }

    /// <summary>
    /// Stored values per key id (the id sits in bytes 3.. of each value), over every tenant and every encrypted column; and
    /// the format-1 values (first byte 1) per table.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "Table and column names come from this class's fixed list of encrypted columns; there are no values.")]
    private async Task<(Dictionary<string, long> ByKey, Dictionary<string, long> LegacyByTable)> CountByKeyAsync(CancellationToken ct)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var legacy = Tables.Select(t => t.Name).Append(DataProtectionKeysTable).Append(UserTokensTable)
            .ToDictionary(t => t, _ => 0L, StringComparer.Ordinal);
        var union = string.Join(" UNION ALL ", Tables.SelectMany(t => t.Columns.Select(c => $"SELECT '{t.Name}', {c.Column} FROM {t.Name}")));
        // Row-level security shows one tenant at a time; only key ids leave each tenant, never a value.
        foreach (var tenantId in await TenantIdsAsync(ct))
        {
            await WithConnectionAsync(tenantId, async conn =>
            {
                // A value too short to carry a key id (an erased value blanked to a few bytes) counts under "?", never fails the page.
                await using var cmd = new NpgsqlCommand(
                    $"""
                    SELECT CASE WHEN length(c) < 3 THEN NULL WHEN length(c) < 2 + get_byte(c, 1) THEN NULL
                                ELSE substring(c from 3 for get_byte(c, 1)) END,
                           length(c) >= 3 AND get_byte(c, 0) = {PiiKeySet.LegacyFormat}, t, count(*)
                    FROM ({union}) x(t, c) WHERE c IS NOT NULL GROUP BY 1, 2, 3
                    """, conn);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var keyId = reader.IsDBNull(0) ? "?" : System.Text.Encoding.UTF8.GetString((byte[])reader[0]);
                    var values = reader.GetInt64(3);
                    counts[keyId] = counts.GetValueOrDefault(keyId) + values;
                    if (reader.GetBoolean(1)) legacy[reader.GetString(2)] += values;
                }
            }, ct);
        }

        foreach (var (_, cipher) in await DataProtectionKeysAsync(ct))
        {
            var keyId = pii.KeyIdOf(cipher) ?? "?";
            counts[keyId] = counts.GetValueOrDefault(keyId) + 1;
            if (pii.IsLegacyFormat(cipher)) legacy[DataProtectionKeysTable]++;
        }

        foreach (var token in await SealedUserTokensAsync(ct))
        {
            var keyId = pii.KeyIdOf(token.Cipher) ?? "?";
            counts[keyId] = counts.GetValueOrDefault(keyId) + 1;
            if (pii.IsLegacyFormat(token.Cipher)) legacy[UserTokensTable]++;
        }

        return (counts, legacy);
    }

    [Queue("bulk")]
    [AutomaticRetry(Attempts = 5)]
    public async Task ReencryptAllAsync(CancellationToken ct)
    {
        long changed = 0;
        foreach (var tenantId in await TenantIdsAsync(ct))
            changed += await ReencryptTenantAsync(tenantId, ct);

        changed += await ReencryptPlatformAsync(ct);
        LogReencrypted(changed, ring.ActiveKeyId);
    }

    /// <summary>The values of no tenant (<see cref="PiiProtector.Platform"/>): the data-protection keys and the second factors.</summary>
    public async Task<long> ReencryptPlatformAsync(CancellationToken ct) =>
        await ReencryptDataProtectionKeysAsync(ct) + await ReencryptUserTokensAsync(ct);

    /// <summary>
    /// One tenant's encrypted columns: every value under an old key or in format 1 rewritten under the active key, format 2,
    /// bound to <paramref name="tenantId"/>. Returns how many rows changed.
    /// </summary>
    public async Task<long> ReencryptTenantAsync(Guid tenantId, CancellationToken ct)
    {
        long changed = 0;
        foreach (var table in Tables)
            await WithConnectionAsync(tenantId, async conn => changed += await ReencryptTableAsync(conn, tenantId, table, ct), ct);
        return changed;
    }

    private async Task<List<Guid>> TenantIdsAsync(CancellationToken ct) =>
        await db.Tenants.AsNoTracking().OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(ct);

    private async Task WithConnectionAsync(Guid? tenantId, Func<NpgsqlConnection, Task> work, CancellationToken ct)
    {
        var previous = db.Tenant.TenantId;
        db.Tenant.Set(tenantId);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await work((NpgsqlConnection)db.Database.GetDbConnection());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
            db.Tenant.Set(previous);
        }
    }

    /// <summary>
    /// Keyset batches by <c>ctid</c> (any table, whatever its key). A row is updated only if its values are still the ones
    /// read, so a concurrent edit is never overwritten with an older value; such a row is done by the next pass.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "Table and column names come from this class's fixed list of encrypted columns; every value is a parameter.")]
    private async Task<long> ReencryptTableAsync(NpgsqlConnection conn, Guid tenantId, EncryptedTable table, CancellationToken ct)
    {
        var columns = table.Columns;
        var columnList = string.Join(", ", columns.Select(c => c.Column));
        var sets = string.Join(", ", columns.Select((c, i) => $"{c.Column} = u.n{i}"));
        var guards = string.Join(" AND ", columns.Select((c, i) => $"t.{c.Column} IS NOT DISTINCT FROM u.o{i}"));
        var arrays = string.Join(", ", columns.Select((_, i) => $"@o{i}, @n{i}"));
        var aliases = string.Join(", ", columns.Select((_, i) => $"o{i}, n{i}"));
        // Only rows with a value under another key (the header's key id, bytes 3..) or of format 1 (byte 1) leave the
        // server: a pass over data that is already current reads no rows; the exact check is NeedsReencryption below.
        var underOtherKey = string.Join(" OR ", columns.Select(c =>
            $"CASE WHEN length({c.Column}) < 3 THEN false ELSE get_byte({c.Column}, 0) <> {PiiKeySet.TenantBoundFormat} " +
            $"OR substring({c.Column} from 3 for get_byte({c.Column}, 1)) <> @active END"));
        long changed = 0;
        var after = "(0,0)";
        while (true)
        {
            var rows = new List<(string Ctid, byte[]?[] Values)>();
            await using (var select = new NpgsqlCommand(
                             $"SELECT ctid::text, {columnList} FROM {table.Name} WHERE ctid > @after::tid AND ({underOtherKey}) ORDER BY ctid LIMIT {table.BatchRows}", conn))
            {
                select.Parameters.AddWithValue("after", after);
                select.Parameters.AddWithValue("active", System.Text.Encoding.ASCII.GetBytes(ring.ActiveKeyId));
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    rows.Add((reader.GetString(0), [.. columns.Select((_, i) => reader.IsDBNull(i + 1) ? null : (byte[])reader[i + 1])]));
            }

            if (rows.Count == 0) return changed;
            after = rows[^1].Ctid;
            var stale = rows.Where(r => r.Values.Any(v => v is not null && pii.NeedsReencryption(v))).ToList();
            if (stale.Count == 0) continue;
            var fresh = stale.Select(r => r.Values.Select((v, i) => Fresh(v, tenantId, columns[i].Context, table.Name)).ToArray()).ToList();

            await using var update = new NpgsqlCommand(
                $"UPDATE {table.Name} t SET {sets} FROM unnest(@ctids, {arrays}) AS u(ctid, {aliases}) WHERE t.ctid = u.ctid::tid AND {guards}", conn);
            update.Parameters.Add(Sql.ArrayOf("ctids", stale.Select(r => (string?)r.Ctid)));
            for (var i = 0; i < columns.Length; i++)
            {
                var column = i;
                update.Parameters.Add(Sql.ArrayOf($"o{i}", stale.Select(r => r.Values[column])));
                update.Parameters.Add(Sql.ArrayOf($"n{i}", fresh.Select(r => r[column])));
            }

            changed += await update.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// The value under the active key, format 2, bound to <paramref name="tenantId"/>. One that fails authentication
    /// (tampered, or another tenant's or context's value) stays as it is and is logged: it keeps its key from retiring,
    /// but never stops the rest of the pass.
    /// </summary>
    private byte[]? Fresh(byte[]? value, Guid tenantId, string context, string where)
    {
        if (value is null || !pii.NeedsReencryption(value)) return value;
        try
        {
            return pii.Reencrypt(value, tenantId, context);
        }
        catch (PiiDecryptionException e)
        {
            LogUnreadable(where, context, e.Message);
            return value;
        }
    }

    /// <summary>The data-protection keys (global, not per tenant) hold their secret encrypted by the ring (<see cref="PiiKeyXmlEncryptor"/>).</summary>
    private async Task<List<(int Id, byte[] Cipher)>> DataProtectionKeysAsync(CancellationToken ct)
    {
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => new { k.Id, k.Xml }).ToListAsync(ct);
        return [.. keys.Select(k => (k.Id, Match: EncryptedKey().Match(k.Xml ?? ""))).Where(k => k.Match.Success)
            .Select(k => (k.Id, Convert.FromBase64String(k.Match.Groups[1].Value)))];
    }

    private async Task<long> ReencryptDataProtectionKeysAsync(CancellationToken ct)
    {
        long changed = 0;
        foreach (var key in await db.DataProtectionKeys.AsNoTracking().ToListAsync(ct))
        {
            var match = EncryptedKey().Match(key.Xml ?? "");
            if (!match.Success) continue;
            var cipher = Convert.FromBase64String(match.Groups[1].Value);
            var sealedAgain = Fresh(cipher, PiiProtector.Platform, PiiKeyXmlEncryptor.Context, DataProtectionKeysTable);
            if (ReferenceEquals(sealedAgain, cipher)) continue;
            var fresh = Convert.ToBase64String(sealedAgain!);
            var xml = string.Concat(key.Xml!.AsSpan(0, match.Groups[1].Index), fresh, key.Xml.AsSpan(match.Groups[1].Index + match.Groups[1].Length));
            changed += await db.DataProtectionKeys.Where(k => k.Id == key.Id && k.Xml == key.Xml)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.Xml, xml), ct);
        }

        return changed;
    }

    /// <summary>The second factors' secrets (<see cref="ProtectedUserStore"/>): one table for every user, tenant or platform.</summary>
    private async Task<List<(IdentityUserToken<Guid> Token, byte[] Cipher)>> SealedUserTokensAsync(CancellationToken ct)
    {
        var tokens = await db.Set<IdentityUserToken<Guid>>().AsNoTracking()
            .Where(t => t.Value != null && t.Value.StartsWith(ProtectedUserStore.SealedPrefix)).ToListAsync(ct);
        return [.. tokens.Select(t => (t, Convert.FromBase64String(t.Value![ProtectedUserStore.SealedPrefix.Length..])))];
    }

    private async Task<long> ReencryptUserTokensAsync(CancellationToken ct)
    {
        long changed = 0;
        foreach (var (token, cipher) in await SealedUserTokensAsync(ct))
        {
            var fresh = Fresh(cipher, PiiProtector.Platform, ProtectedUserStore.TokenContext, UserTokensTable);
            if (ReferenceEquals(fresh, cipher)) continue;
            var value = ProtectedUserStore.SealedPrefix + Convert.ToBase64String(fresh!);
            changed += await db.Set<IdentityUserToken<Guid>>()
                .Where(t => t.UserId == token.UserId && t.LoginProvider == token.LoginProvider && t.Name == token.Name && t.Value == token.Value)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Value, value), ct);
        }

        return changed;
    }

    private const string DataProtectionKeysTable = "data_protection_keys";
    private const string UserTokensTable = "user_tokens";

    [GeneratedRegex("<piiEncryptedKey[^>]*>([^<]+)</piiEncryptedKey>")]
    private static partial Regex EncryptedKey();

    [LoggerMessage(Level = LogLevel.Warning, Message = "PII key {KeyId} activated by platform operator {Actor}; re-encryption queued")]
    private partial void LogRotated(string keyId, string actor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A value in {Table} ({Context}) cannot be decrypted and stays under its old key: {Reason}")]
    private partial void LogUnreadable(string table, string context, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-encrypted {Count} values under key {KeyId}")]
    private partial void LogReencrypted(long count, string keyId);
}
