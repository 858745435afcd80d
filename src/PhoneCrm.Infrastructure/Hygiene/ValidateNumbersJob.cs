using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hygiene.LineStatus;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Protection;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Hygiene;

/// <summary>
/// <c>hygiene-validate-numbers</c> (quarterly, api-v1 "Hygiene jobs"; PRODUCT §2.6). Active contacts in keyset batches by id
/// (bounded memory): a stored number that libphonenumber no longer accepts (its metadata moves on) becomes
/// <c>unreachable</c> with <c>statusReason</c> <c>invalidNumber</c>; the rest go to the line-status provider in one call per batch, and a
/// disconnected line becomes <c>unreachable</c> (<c>disconnected</c>), an invalid one <c>invalidNumber</c>. One UPDATE per batch; only active contacts are touched,
/// so a second run changes nothing, and the send policy skips unreachable contacts as <c>invalidPhone</c>.
/// </summary>
public sealed class ValidateNumbersJob(PhoneCrmDbContext db, PiiProtector protector, ILineStatusProvider lineStatus, AuditLog audit,
    TimeProvider clock) : ITenantJob
{
    public const string JobId = "hygiene-validate-numbers";
    public const int BatchSize = 500;

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<ValidateNumbersJob>(JobId, "0 3 1 */3 *",
        "Re-checks every active contact's number (format, then line status via Hygiene:LineStatus:Provider); invalid or disconnected → unreachable");

    public async Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var invalid = 0;
        var disconnected = 0;
        var checkedCount = 0;
        var after = Guid.Empty;
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            while (true)
            {
                var batch = new List<(Guid Id, byte[] Cipher)>();
                await using (var cmd = new NpgsqlCommand("""
                    SELECT id, phone_cipher FROM contacts
                    WHERE tenant_id = @t AND status = 'active' AND id > @after
                    ORDER BY id LIMIT @n
                    """, conn))
                {
                    cmd.Parameters.AddRange(new[] { P("t", tenantId), P("after", after), P("n", BatchSize) });
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct)) batch.Add((reader.GetGuid(0), (byte[])reader[1]));
                }

                if (batch.Count == 0) break;
                after = batch[^1].Id;
                checkedCount += batch.Count;
                var changes = await DecideAsync(batch, ct);
                if (changes.Count > 0)
                {
                    await ExecAsync(conn, """
                        UPDATE contacts c SET status = 'unreachable', status_reason = x.reason, status_changed_at = @now, updated_at = @now
                        FROM unnest(@ids, @reasons) AS x(id, reason)
                        WHERE c.tenant_id = @t AND c.id = x.id AND c.status = 'active'
                        """, ct, P("t", tenantId), P("now", clock.GetUtcNow()), ArrayOf("ids", changes.Select(c => c.Id)),
                        ArrayOf("reasons", changes.Select(c => (string?)c.Reason)));
                    invalid += changes.Count(c => c.Reason == ContactStatusReasons.InvalidNumber);
                    disconnected += changes.Count(c => c.Reason == ContactStatusReasons.Disconnected);
                }

                // The numbers were decrypted to be checked: one audit entry per batch names how many.
                await audit.WriteAsync(AuditActions.Read, "contact", null, $"{JobId}: phones checked; batch={batch.Count}; unreachable={changes.Count}", ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return new TenantJobResult(invalid + disconnected, new Dictionary<string, int>
        {
            ["checked"] = checkedCount, ["invalidNumber"] = invalid, ["disconnected"] = disconnected,
        });
    }

    /// <summary>The contacts of a batch that stop being reachable, with why: the format first, then the line.</summary>
    private async Task<List<(Guid Id, string Reason)>> DecideAsync(List<(Guid Id, byte[] Cipher)> batch, CancellationToken ct)
    {
        var changes = new List<(Guid Id, string Reason)>();
        var numbers = new List<(Guid Id, string E164)>();
        foreach (var (id, cipher) in batch)
        {
            if (PhoneParser.TryParse(protector.Decrypt(cipher, db.Tenant.RequireTenant(), ContactService.PhoneContext), out var phone)) numbers.Add((id, phone.E164));
            else changes.Add((id, ContactStatusReasons.InvalidNumber));
        }

        if (numbers.Count == 0) return changes;
        var states = await lineStatus.CheckAsync(numbers.Select(n => n.E164).ToList(), ct);
        foreach (var (id, e164) in numbers)
        {
            switch (states.GetValueOrDefault(e164))
            {
                case LineState.Disconnected: changes.Add((id, ContactStatusReasons.Disconnected)); break;
                case LineState.Invalid: changes.Add((id, ContactStatusReasons.InvalidNumber)); break;
            }
        }

        return changes;
    }
}
