using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>A delivery receipt: the provider's message id, the new status, an optional error code and when.</summary>
public sealed record SmsReceipt(string ProviderMessageId, string Status, string? ErrorCode, DateTimeOffset At);

/// <summary>
/// Applies delivery receipts (the <c>/sms/status</c> webhook, the simulator, polling adapters) to <c>sms_messages</c>.
/// Receipts may arrive late or out of order, so a status never moves backwards: read › delivered › undelivered/expired/
/// rejected › sent › queued/failed.
/// </summary>
public sealed class SmsStatusUpdater(PhoneCrmDbContext db)
{
    // Order of progress; a receipt applies when its rank is at least the current one.
    private static string Rank(string column) =>
        $"CASE {column} WHEN 'read' THEN 4 WHEN 'delivered' THEN 3 WHEN 'undelivered' THEN 2 WHEN 'expired' THEN 2 " +
        $"WHEN 'rejected' THEN 2 WHEN 'sent' THEN 1 ELSE 0 END";

    /// <summary>True when a message of the current tenant has this provider id (applied or already further on).</summary>
    public async Task<bool> ApplyAsync(SmsReceipt receipt, CancellationToken ct) =>
        (await ApplyManyAsync([receipt], ct)).Count == 1;

    /// <summary>Applies a batch; returns the provider ids that matched a message of the current tenant.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "The status rank is a CASE built from the SmsStatus constants; every value is a parameter.")]
    public async Task<IReadOnlySet<string>> ApplyManyAsync(IReadOnlyList<SmsReceipt> receipts, CancellationToken ct)
    {
        if (receipts.Count == 0) return new HashSet<string>();
        foreach (var r in receipts)
        {
            if (!SmsStatus.Receipts.Contains(r.Status)) throw new ArgumentException($"Not a receipt status: {r.Status}.", nameof(receipts));
        }

        var tenant = db.Tenant.RequireTenant();
        var sql = $"""
            WITH u AS (
                SELECT * FROM unnest(@pmids, @statuses, @codes, @ats) AS u(pmid, status, code, at)
            ), target AS (
                SELECT m.id, u.pmid, u.status, u.code, u.at
                FROM u JOIN sms_messages m ON m.tenant_id = @tenant AND m.provider_message_id = u.pmid
            ), upd AS (
                UPDATE sms_messages m
                SET status = t.status, status_at = t.at, error_code = COALESCE(t.code, m.error_code)
                FROM target t
                WHERE m.tenant_id = @tenant AND m.id = t.id
                  AND {Rank("t.status")} >= {Rank("m.status")}
                RETURNING m.id
            )
            SELECT DISTINCT pmid FROM target
            """;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.Add(new NpgsqlParameter("tenant", tenant));
            cmd.Parameters.Add(Sql.ArrayOf("pmids", receipts.Select(r => r.ProviderMessageId)));
            cmd.Parameters.Add(Sql.ArrayOf("statuses", receipts.Select(r => r.Status)));
            cmd.Parameters.Add(Sql.ArrayOf("codes", receipts.Select(r => r.ErrorCode)));
            cmd.Parameters.Add(Sql.ArrayOf("ats", receipts.Select(r => r.At.UtcDateTime)));
            var matched = new HashSet<string>(StringComparer.Ordinal);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) matched.Add(reader.GetString(0));
            return matched;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
