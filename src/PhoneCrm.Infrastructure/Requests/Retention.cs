using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>Who the next runs will destroy and why: the number masked, the purpose that ended last, and the day.</summary>
public sealed record RetentionPreviewItem(Guid ContactId, string MaskedPhone, string Reason, string? Purpose, DateTimeOffset? EndedAt,
    DateTimeOffset DestroyFrom, DateTimeOffset DestroyBy, bool Due);

/// <summary>The compliance officer's page: the rules, the latest runs, who goes next.</summary>
public sealed record RetentionOverview(IReadOnlyList<RetentionRuleView> Rules, IReadOnlyList<RetentionRun> Runs, IReadOnlyList<RetentionPreviewItem> Preview);

/// <summary>A purpose's retention rule as the page shows it.</summary>
public sealed record RetentionRuleView(string Code, string Name, bool BuiltIn, int? ValidityDays, int DestructionDays);

/// <summary>
/// Retention (PRODUCT.md §2.6, 152-FZ Art. 21 p.4–5): finds, in keyset batches, the people whose every purpose has
/// ended, loads their facts in bulk and lets <see cref="RetentionPolicy"/> decide; the job destroys those due through
/// the erasure path, which makes the act of destruction. Each tenant's run is recorded (<see cref="RetentionRun"/>)
/// with a cursor, so a run cut short resumes where it stopped and a second run finds nobody left to destroy.
/// </summary>
public sealed class Retention(PhoneCrmDbContext db, PiiProtector pii, AuditLog audit, TimeProvider clock)
{
    /// <summary>People decided per batch: bounded memory whatever the size of the base.</summary>
    public const int BatchSize = 500;

    public async Task<RetentionOverview> OverviewAsync(CancellationToken ct = default) =>
        new(await RulesAsync(ct), await RunsAsync(ct: ct), await PreviewAsync(ct: ct));

    public async Task<IReadOnlyList<RetentionRun>> RunsAsync(int limit = 50, CancellationToken ct = default) =>
        await db.RetentionRuns.AsNoTracking().OrderByDescending(r => r.StartedAt).Take(limit).ToListAsync(ct);

    public async Task<IReadOnlyList<RetentionRuleView>> RulesAsync(CancellationToken ct = default) =>
        [.. (await db.ConsentPurposes.AsNoTracking().OrderByDescending(p => p.BuiltIn).ThenBy(p => p.Code).ToListAsync(ct))
            .Select(p => new RetentionRuleView(p.Code, p.Name, p.BuiltIn, p.ValidityDays, RetentionPolicy.DestructionDays(p.RetentionDays)))];

    /// <summary>
    /// The next people to be destroyed, soonest first: due now or within the legal term. Their numbers are decrypted
    /// to be masked, so the look is audited.
    /// </summary>
    public async Task<IReadOnlyList<RetentionPreviewItem>> PreviewAsync(int limit = 100, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var ids = await QueryIdsAsync("""
            SELECT s.contact_id FROM consent_states s
            JOIN contacts c ON c.tenant_id = s.tenant_id AND c.id = s.contact_id AND c.status <> 'erased'
            WHERE s.tenant_id = app_current_tenant()
            GROUP BY s.contact_id
            HAVING bool_and(NOT (s.status = 'active' AND (s.expires_at IS NULL OR s.expires_at > @now)))
            ORDER BY max(coalesce(s.withdrawn_at, s.expires_at)), s.contact_id
            LIMIT @limit
            """, ct, Sql.P("now", now), Sql.P("limit", limit));
        var decisions = (await DecideAsync(ids, now, ct)).Where(d => d.Verdict != RetentionVerdict.Keep).ToList();
        if (decisions.Count == 0) return [];
        var decided = decisions.Select(d => d.ContactId).ToList();
        var phones = await db.Contacts.AsNoTracking().Where(c => decided.Contains(c.Id))
            .Select(c => new { c.Id, c.PhoneCipher }).ToDictionaryAsync(c => c.Id, c => c.PhoneCipher, ct);
        await audit.WriteAsync(AuditActions.Read, "contact", string.Join(',', decided), "retention preview (masked numbers)", ct);
        return [.. decisions
            .Select(d => new RetentionPreviewItem(d.ContactId,
                phones.TryGetValue(d.ContactId, out var cipher) ? PhoneMasking.Mask(pii.Decrypt(cipher, db.Tenant.RequireTenant(), ContactService.PhoneContext) ?? "") : "",
                d.Reason, d.Purpose, d.EndedAt, d.DestroyFrom!.Value, d.DestroyBy!.Value, d.Verdict == RetentionVerdict.Destroy))
            .OrderBy(i => i.DestroyFrom)];
    }

    /// <summary>
    /// The next keyset batch of people whose every purpose has ended (a necessary condition; the policy decides), after
    /// <paramref name="after"/> in the database's uuid order.
    /// </summary>
    public Task<List<Guid>> CandidatesAsync(Guid? after, DateTimeOffset now, int limit, CancellationToken ct) =>
        QueryIdsAsync("""
            SELECT s.contact_id FROM consent_states s
            JOIN contacts c ON c.tenant_id = s.tenant_id AND c.id = s.contact_id AND c.status <> 'erased'
            WHERE s.tenant_id = app_current_tenant() AND s.contact_id > @after
            GROUP BY s.contact_id
            HAVING bool_and(NOT (s.status = 'active' AND (s.expires_at IS NULL OR s.expires_at > @now)))
            ORDER BY s.contact_id
            LIMIT @limit
            """, ct, Sql.P("after", after ?? Guid.Empty), Sql.P("now", now), Sql.P("limit", limit));

    /// <summary>Loads the facts of these people in two set-based queries and decides each.</summary>
    public async Task<IReadOnlyList<RetentionDecision>> DecideAsync(IReadOnlyList<Guid> contactIds, DateTimeOffset now, CancellationToken ct)
    {
        if (contactIds.Count == 0) return [];
        var terms = await db.ConsentPurposes.AsNoTracking().ToDictionaryAsync(p => p.Code, p => p.RetentionDays, ct);
        var states = (await db.ConsentStates.AsNoTracking().Where(s => contactIds.Contains(s.ContactId))
                .Select(s => new { s.ContactId, Fact = new RetentionPurposeFact(s.Purpose, s.Channel, s.Status, s.LegalBasis, s.WithdrawnAt, s.ExpiresAt) })
                .ToListAsync(ct))
            .ToLookup(s => s.ContactId, s => s.Fact);
        var orders = new Dictionary<Guid, RetentionOrderFact>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT DISTINCT ON (contact_id) contact_id, type, occurred_at FROM contact_events
                WHERE tenant_id = app_current_tenant() AND contact_id = ANY(@ids) AND type LIKE 'order\_%'
                ORDER BY contact_id, occurred_at DESC
                """, (NpgsqlConnection)db.Database.GetDbConnection());
            cmd.Parameters.Add(Sql.ArrayOf("ids", contactIds));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) orders[r.GetGuid(0)] = new RetentionOrderFact(r.GetString(1), r.GetFieldValue<DateTimeOffset>(2));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return [.. contactIds.Select(id => RetentionPolicy.Decide(
            new RetentionFacts(id, [.. states[id]], orders.GetValueOrDefault(id)), terms, now))];
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "Both callers pass a constant query; every value is a parameter.")]
    private async Task<List<Guid>> QueryIdsAsync(string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        var ids = new List<Guid>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection());
            cmd.Parameters.AddRange(parameters);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) ids.Add(r.GetGuid(0));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return ids;
    }
}
