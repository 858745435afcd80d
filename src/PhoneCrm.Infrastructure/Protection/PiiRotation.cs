using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Requests;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// Key rotation: a new data key becomes active at once (new writes use it) and a background job re-encrypts every
/// stored value under it, tenant by tenant in keyset batches. Old keys stay in the ring so nothing becomes unreadable
/// while the job runs; blind indexes use their own key and do not change.
/// </summary>
public sealed class PiiRotation(
    PhoneCrmDbContext db,
    PiiKeyRing ring,
    PiiProtector pii,
    IBackgroundJobClient jobs,
    AuditActor actor,
    ILogger<PiiRotation> logger)
{
    private const int BatchSize = 2000;

    /// <summary>Encrypted columns by table (primary key after tenant_id is a uuid <c>id</c>) and their contexts.</summary>
    private static readonly (string Table, (string Column, string Context)[] Columns)[] _targets =
    [
        ("contacts", [("phone_cipher", ContactService.PhoneContext), ("first_name_cipher", ContactService.FirstNameContext),
            ("last_name_cipher", ContactService.LastNameContext), ("email_cipher", ContactService.EmailContext)]),
        ("contact_notes", [("text_cipher", ContactService.NoteContext)]),
        ("subject_requests", [("phone_cipher", SubjectRequests.PhoneContext), ("full_name_cipher", SubjectRequests.FullNameContext),
            ("email_cipher", SubjectRequests.EmailContext), ("report_cipher", SubjectRequests.ReportContext)]),
        ("subject_request_challenges", [("phone_cipher", SubjectRequests.PhoneContext), ("full_name_cipher", SubjectRequests.FullNameContext),
            ("email_cipher", SubjectRequests.EmailContext)]),
    ];

    public sealed record KeyStatus(string ActiveKeyId, IReadOnlyCollection<string> KeyIds, IReadOnlyDictionary<string, long> ValuesByKey);

    /// <summary>For the settings page: the active key, every key the ring holds, and how many stored values each protects.</summary>
    public async Task<KeyStatus> StatusAsync(CancellationToken ct) => new(ring.ActiveKeyId, ring.KeyIds, await CountByKeyAsync(ct));

    /// <summary>Activates a new key, queues the re-encryption and audits the rotation; returns the new key id.</summary>
    public async Task<string> RotateAsync(CancellationToken ct)
    {
        var keyId = ring.Rotate();
        jobs.Enqueue<PiiRotation>(r => r.ReencryptAllAsync(CancellationToken.None));
        // A platform act outside every tenant: the log records it (each tenant's audit log is for that tenant's own work).
        logger.LogWarning("PII key {KeyId} activated by platform operator {Actor}; re-encryption queued", keyId, actor.Name);
        await Task.CompletedTask;
        return keyId;
    }

    /// <summary>Stored values per key id (the key id sits in bytes 3.. of each value).</summary>
    private async Task<Dictionary<string, long>> CountByKeyAsync(CancellationToken ct)
    {
        var counts = new Dictionary<string, long>();
        // Row-level security shows one tenant at a time; only the key ids leave each tenant, never a value.
        foreach (var tenantId in await db.Tenants.AsNoTracking().Select(t => t.Id).ToListAsync(ct))
        {
            db.Tenant.Set(tenantId);
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                var conn = (NpgsqlConnection)db.Database.GetDbConnection();
                await using var cmd = new NpgsqlCommand(
                    "SELECT convert_from(substring(phone_cipher from 3 for get_byte(phone_cipher, 1)), 'UTF8'), count(*) FROM contacts GROUP BY 1",
                    conn);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) counts[reader.GetString(0)] = counts.GetValueOrDefault(reader.GetString(0)) + reader.GetInt64(1);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
                db.Tenant.Set(null);
            }
        }

        return counts;
    }

    [Queue("bulk")]
    [AutomaticRetry(Attempts = 5)]
    public async Task ReencryptAllAsync(CancellationToken ct)
    {
        var tenants = await db.Tenants.AsNoTracking().Select(t => t.Id).ToListAsync(ct);
        long changed = 0;
        foreach (var tenantId in tenants)
        {
            db.Tenant.Set(tenantId);
            foreach (var (table, columns) in _targets) changed += await ReencryptTableAsync(table, columns, ct);
        }

        logger.LogInformation("Re-encrypted {Count} values under key {KeyId}", changed, ring.ActiveKeyId);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "Table and column names come from this class's fixed list of encrypted columns; every value is a parameter.")]
    private async Task<long> ReencryptTableAsync(string table, (string Column, string Context)[] columns, CancellationToken ct)
    {
        var columnList = string.Join(", ", columns.Select(c => c.Column));
        long changed = 0;
        var after = Guid.Empty;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            while (true)
            {
                var ids = new List<Guid>();
                var values = columns.Select(_ => new List<byte[]?>()).ToArray();
                await using (var select = new NpgsqlCommand(
                                 $"SELECT id, {columnList} FROM {table} WHERE id > @after ORDER BY id LIMIT {BatchSize}", conn))
                {
                    select.Parameters.AddWithValue("after", after);
                    await using var reader = await select.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        ids.Add(reader.GetGuid(0));
                        for (var i = 0; i < columns.Length; i++)
                            values[i].Add(reader.IsDBNull(i + 1) ? null : (byte[])reader[i + 1]);
                    }
                }

                if (ids.Count == 0) return changed;
                after = ids[^1];
                var stale = Enumerable.Range(0, ids.Count)
                    .Where(r => values.Any(col => col[r] is { } v && pii.NeedsReencryption(v))).ToList();
                if (stale.Count == 0) continue;

                // One statement per batch: unnest the new values next to their ids.
                var sets = string.Join(", ", columns.Select((c, i) => $"{c.Column} = u.c{i}"));
                var unnest = string.Join(", ", columns.Select((_, i) => $"@c{i}"));
                var aliases = string.Join(", ", columns.Select((_, i) => $"c{i}"));
                await using var update = new NpgsqlCommand(
                    $"UPDATE {table} t SET {sets} FROM unnest(@ids, {unnest}) AS u(id, {aliases}) WHERE t.id = u.id", conn);
                update.Parameters.Add(Sql.ArrayOf("ids", stale.Select(r => ids[r])));
                for (var i = 0; i < columns.Length; i++)
                {
                    var (_, context) = columns[i];
                    var column = values[i];
                    update.Parameters.Add(Sql.ArrayOf($"c{i}", stale.Select(r => column[r] is { } v ? pii.Reencrypt(v, context) : null)));
                }

                changed += await update.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
