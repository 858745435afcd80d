using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Hygiene;

/// <summary>
/// <c>hygiene-optout-reconciliation</c> (quarterly): every active marketing recipient (an active marketing-by-SMS state, what
/// the send policy reads) is checked against the consent ledger and the suppression (opt-out) journal, and the ledger wins:
/// <list type="bullet">
/// <item>a state the ledger contradicts (its latest marketing record is a withdrawal) is rewritten from that record;</item>
/// <item>an opt-out in the journal newer than the grant the state stands on is written to the ledger as the withdrawal it
/// is, so the ledger again holds the whole story and the state follows it.</item>
/// </list>
/// Each fix is audited and counted in the run history; after one run nothing disagrees, so a second changes nothing.
/// </summary>
public sealed class OptOutReconciliationJob(PhoneCrmDbContext db, ConsentLedger ledger, AuditLog audit) : ITenantJob
{
    public const string JobId = "hygiene-optout-reconciliation";

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<OptOutReconciliationJob>(JobId,
        "0 5 1 1,4,7,10 *", "Checks every active marketing recipient against the consent ledger and the opt-out journal; fixes mismatches (the ledger wins)");

    public async Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var stateFixed = await FixStatesFromLedgerAsync(tenantId, ct);
        var optOuts = await UnrecordedOptOutsAsync(tenantId, ct);
        var recorded = new List<Guid>();
        foreach (var (contactId, at, reason) in optOuts)
        {
            var method = reason == "stop_reply" ? "sms_reply" : "staff";
            var result = await ledger.WithdrawAsync(contactId, ConsentTerms.Marketing, "sms", new ConsentEvidence(method, at), ct);
            if (result.Withdrawn > 0) recorded.Add(contactId);
        }

        if (stateFixed.Count > 0)
            await audit.WriteAsync("consent.reconciled", "contact", string.Join(',', stateFixed), "state rewritten from the ledger", ct);
        if (recorded.Count > 0)
            await audit.WriteAsync("consent.reconciled", "contact", string.Join(',', recorded), "opt-out journal entry recorded in the ledger", ct);
        return TenantJobResult.Of(new Dictionary<string, int> { ["stateFixed"] = stateFixed.Count, ["optOutRecorded"] = recorded.Count });
    }

    private async Task<List<Guid>> FixStatesFromLedgerAsync(Guid tenantId, CancellationToken ct)
    {
        var fixedIds = new List<Guid>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("""
                WITH latest AS (
                  SELECT DISTINCT ON (r.contact_id) r.contact_id, r.id, r.action, r.captured_at
                  FROM consent_records r
                  WHERE r.tenant_id = @t AND r.purpose = 'marketing' AND r.channel = 'sms'
                  ORDER BY r.contact_id, r.seq DESC
                )
                UPDATE consent_states s SET status = 'withdrawn', withdrawn_at = l.captured_at, last_record_id = l.id
                FROM latest l
                WHERE s.tenant_id = @t AND s.contact_id = l.contact_id AND s.purpose = 'marketing' AND s.channel = 'sms'
                  AND s.status = 'active' AND l.action = 'withdraw'
                RETURNING s.contact_id
                """, (NpgsqlConnection)db.Database.GetDbConnection());
            cmd.Parameters.Add(P("t", tenantId));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) fixedIds.Add(reader.GetGuid(0));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return fixedIds;
    }

    /// <summary>Active marketing recipients whose number has an opt-out (suppression) newer than their grant.</summary>
    private async Task<List<(Guid ContactId, DateTimeOffset At, string Reason)>> UnrecordedOptOutsAsync(Guid tenantId, CancellationToken ct)
    {
        var found = new List<(Guid, DateTimeOffset, string)>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT s.contact_id, sup.created_at, sup.reason
                FROM consent_states s
                JOIN contacts c ON c.tenant_id = s.tenant_id AND c.id = s.contact_id
                JOIN suppressions sup ON sup.tenant_id = c.tenant_id AND sup.phone_index = c.phone_index
                WHERE s.tenant_id = @t AND s.purpose = 'marketing' AND s.channel = 'sms' AND s.status = 'active'
                  AND sup.created_at > s.granted_at AND sup.reason NOT IN ('hygiene','erasure')
                """, (NpgsqlConnection)db.Database.GetDbConnection());
            cmd.Parameters.Add(P("t", tenantId));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) found.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2)));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return found;
    }
}
