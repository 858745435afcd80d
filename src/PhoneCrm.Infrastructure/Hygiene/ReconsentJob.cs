using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Hosting;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Hygiene;

/// <summary>
/// <c>hygiene-reconsent</c> (daily, api-v1 "Hygiene jobs"; PRODUCT §2.6). Three steps, each in keyset batches and each a
/// no-op when repeated:
/// <list type="number">
/// <item>Lapse: a request sent <c>Hygiene:ReconsentGraceDays</c> (30) ago and unanswered, whose grant is still the
/// person's current marketing SMS consent, is withdrawn through the ledger (method <c>reconsent_lapsed</c>) — from then
/// on the send policy skips marketing as <c>noConsent</c>.</item>
/// <item>Open: every active marketing SMS consent granted <c>Hygiene:ReconsentMonths</c> (6) ago or earlier and not yet
/// asked about gets one request (unique per grant: one cycle, one SMS) with a short link to the preferences page — at most
/// <c>Hygiene:ReconsentDailyLimit</c> (20,000) a day per tenant, oldest contacts first; the rest wait for the next days.</item>
/// <item>Send: unsent requests go out as one transactional SMS each (key <c>reconsent:{request}</c>) through the send
/// policy, which keeps them within the day's cap; quiet hours hold a message until the window opens. A request the policy
/// refuses today waits for tomorrow's run.</item>
/// </list>
/// Confirming on the preferences page (<see cref="Reconsents"/>) appends a fresh grant, which starts the next cycle.
/// </summary>
public sealed class ReconsentJob(
    PhoneCrmDbContext db, ConsentLedger ledger, SendPolicyService policy, SmsOutbox outbox, ShortLinks shortLinks, PiiProtector protector,
    IBackgroundJobClient jobs, AuditLog audit, IConfiguration config, TimeProvider clock) : ITenantJob
{
    public const string JobId = "hygiene-reconsent";
    private const int BatchSize = 1000;

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<ReconsentJob>(JobId, "0 6 * * *",
        "Asks for marketing consents older than Hygiene:ReconsentMonths (6) to be confirmed by SMS; unconfirmed after Hygiene:ReconsentGraceDays (30) → no marketing");

    private ReconsentRules Rules => new(config.GetValue("Hygiene:ReconsentMonths", ReconsentRules.DefaultMonths),
        config.GetValue("Hygiene:ReconsentGraceDays", ReconsentRules.DefaultGraceDays),
        config.GetValue("Hygiene:ReconsentDailyLimit", ReconsentRules.DefaultDailyLimit));

    public async Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var excluded = await LapseAsync(tenantId, now, ct);
        var opened = await OpenAsync(tenantId, now, ct);
        var sent = await SendAsync(tenantId, now, ct);
        return TenantJobResult.Of(new Dictionary<string, int> { ["excluded"] = excluded, ["requested"] = opened, ["sent"] = sent });
    }

    private async Task<int> LapseAsync(Guid tenantId, DateTimeOffset now, CancellationToken ct)
    {
        var lapsedBy = Rules.LapsedIfSentBy(now);
        var excluded = 0;
        var after = Guid.Empty;
        while (true)
        {
            var batch = await db.ReconsentRequests.AsNoTracking()
                .Where(r => r.ConfirmedAt == null && r.ExcludedAt == null && r.SentAt != null && r.SentAt <= lapsedBy && r.Id.CompareTo(after) > 0)
                .OrderBy(r => r.Id).Take(BatchSize).Select(r => new { r.Id, r.ContactId, r.ConsentRecordId }).ToListAsync(ct);
            if (batch.Count == 0) return excluded;
            after = batch[^1].Id;
            var ids = batch.Select(r => r.ContactId).ToList();
            // Only a grant that is still the person's current consent lapses: a newer one (a form, a confirmation) stands.
            var current = (await db.ConsentStates.AsNoTracking()
                .Where(s => ids.Contains(s.ContactId) && s.Purpose == ConsentTerms.Marketing && s.Channel == SendIntent.Channel
                    && s.Status == ConsentStatus.Active)
                .Select(s => s.LastRecordId).ToListAsync(ct)).ToHashSet();
            foreach (var r in batch.Where(r => current.Contains(r.ConsentRecordId)))
            {
                var result = await ledger.WithdrawAsync(r.ContactId, ConsentTerms.Marketing, SendIntent.Channel,
                    new ConsentEvidence("reconsent_lapsed", SourceUrl: $"reconsent:{r.Id}"), ct);
                if (result.IsValid && result.Withdrawn > 0) excluded++;
                db.ChangeTracker.Clear();
            }

            // Every request of the batch is closed: lapsed now, or overtaken by a newer consent state.
            var closed = batch.Select(r => r.Id).ToList();
            await db.ReconsentRequests.Where(r => closed.Contains(r.Id) && r.ExcludedAt == null && r.ConfirmedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.ExcludedAt, now), ct);
            if (excluded > 0) await audit.WriteAsync(AuditActions.Update, "consent", null, $"{JobId}: marketing consent lapsed unconfirmed; batch={closed.Count}", ct);
        }
    }

    private async Task<int> OpenAsync(Guid tenantId, DateTimeOffset now, CancellationToken ct)
    {
        var dueBy = Rules.DueIfGrantedBy(now);
        var since = now.AddDays(-1);
        var remaining = Rules.RemainingToday(await db.ReconsentRequests.CountAsync(r => r.CreatedAt > since, ct));
        var opened = 0;
        var after = Guid.Empty;
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            while (opened < remaining)
            {
                // Candidates by the contact key, in batches: the state's grant, when no request names it yet.
                var candidates = new List<(Guid Contact, Guid Record)>();
                await using (var cmd = new NpgsqlCommand("""
                    SELECT s.contact_id, s.last_record_id FROM consent_states s
                    JOIN contacts c ON c.tenant_id = s.tenant_id AND c.id = s.contact_id AND c.status = 'active'
                    WHERE s.tenant_id = @t AND s.purpose = 'marketing' AND s.channel = 'sms' AND s.status = 'active'
                      AND (s.expires_at IS NULL OR s.expires_at > @now) AND s.granted_at <= @due AND s.contact_id > @after
                      AND NOT EXISTS (SELECT 1 FROM reconsent_requests r WHERE r.tenant_id = s.tenant_id AND r.consent_record_id = s.last_record_id)
                    ORDER BY s.contact_id LIMIT @n
                    """, conn))
                {
                    cmd.Parameters.AddRange(new[] { P("t", tenantId), P("now", now), P("due", dueBy), P("after", after), P("n", Math.Min(BatchSize, remaining - opened)) });
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct)) candidates.Add((reader.GetGuid(0), reader.GetGuid(1)));
                }

                if (candidates.Count == 0) return opened;
                after = candidates[^1].Contact;
                var codes = candidates.Select(_ => ShortLinks.NewCode()).ToList();
                await shortLinks.CreatePreferencesAsync(candidates.Select((c, i) => (c.Contact, codes[i])).ToList(), ct);
                opened += await ExecAsync(conn, """
                    INSERT INTO reconsent_requests (tenant_id, id, contact_id, consent_record_id, link_code, created_at)
                    SELECT @t, x.id, x.contact, x.record, x.code, @now FROM unnest(@ids, @contacts, @records, @codes) AS x(id, contact, record, code)
                    ON CONFLICT (tenant_id, consent_record_id) DO NOTHING
                    """, ct, P("t", tenantId), P("now", now), ArrayOf("ids", candidates.Select(_ => Guid.CreateVersion7())),
                    ArrayOf("contacts", candidates.Select(c => c.Contact)), ArrayOf("records", candidates.Select(c => c.Record)),
                    ArrayOf("codes", codes));
            }

            return opened;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<int> SendAsync(Guid tenantId, DateTimeOffset now, CancellationToken ct)
    {
        var tenantName = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).SingleAsync(ct);
        var intent = new SendIntent(ConsentTerms.Marketing, SmsCategories.Transactional, SmsKinds.Reconsent);
        var sent = 0;
        var after = Guid.Empty;
        while (true)
        {
            var batch = await db.ReconsentRequests.AsNoTracking()
                .Where(r => r.MessageId == null && r.ConfirmedAt == null && r.ExcludedAt == null && r.Id.CompareTo(after) > 0)
                .OrderBy(r => r.Id).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0) return sent;
            after = batch[^1].Id;
            var decisions = await policy.DecideAsync(intent, batch.Select(r => r.ContactId).Distinct().ToList(), null, ct);
            // A consent withdrawn (or a person erased) since the request opened: nothing left to confirm, the cycle closes.
            var moot = batch.Where(r => decisions.GetValueOrDefault(r.ContactId) is not { } d
                || d.Reason is SendReasons.NoConsent or SendReasons.Erased).Select(r => r.Id).ToList();
            if (moot.Count > 0)
                await db.ReconsentRequests.Where(r => moot.Contains(r.Id)).ExecuteUpdateAsync(u => u.SetProperty(r => r.ExcludedAt, now), ct);
            foreach (var r in batch)
            {
                if (decisions.GetValueOrDefault(r.ContactId) is { Outcome: SendOutcome.Skip } skip) PhoneCrmMetrics.Skipped(intent.Kind, skip.Reason);
            }

            var allowed = batch.Where(r => decisions.GetValueOrDefault(r.ContactId)?.Outcome is SendOutcome.Send or SendOutcome.Defer).ToList();
            if (allowed.Count == 0) continue;
            var contactIds = allowed.Select(r => r.ContactId).ToList();
            var phones = await db.Contacts.AsNoTracking().Where(c => contactIds.Contains(c.Id))
                .ToDictionaryAsync(c => c.Id, c => c.PhoneCipher, ct);
            var messages = allowed.Where(r => phones.ContainsKey(r.ContactId)).Select(r => new OutgoingSms(r.ContactId,
                protector.Decrypt(phones[r.ContactId], tenantId, ContactService.PhoneContext)!,
                Text(tenantName, shortLinks.LinkFor(r.LinkCode), Rules.GraceDays), intent.Purpose, intent.Category, intent.Kind, MessageKey(r.Id),
                SendAfter: decisions[r.ContactId].DeferredUntil)).ToList();
            await outbox.QueueManyAsync(messages, ct);

            var keys = messages.Select(m => m.IdempotencyKey).ToList();
            var queued = await db.SmsMessages.AsNoTracking().Where(m => keys.Contains(m.IdempotencyKey))
                .ToDictionaryAsync(m => m.IdempotencyKey, m => m.Id, ct);
            var queuedRequests = allowed.Where(r => queued.ContainsKey(MessageKey(r.Id))).ToList();
            sent += await db.Database.ExecuteSqlRawAsync("""
                UPDATE reconsent_requests r SET message_id = x.message_id, sent_at = @now
                FROM unnest(@ids, @messages) AS x(id, message_id)
                WHERE r.tenant_id = @t AND r.id = x.id AND r.message_id IS NULL
                """, [P("t", tenantId), P("now", now), ArrayOf("ids", queuedRequests.Select(r => r.Id)),
                ArrayOf("messages", queuedRequests.Select(r => queued[MessageKey(r.Id)]))], ct);

            if (queued.Count > 0) SmsDeliveryJobs.Enqueue(jobs, tenantId, queued.Values.ToList());
        }
    }

    public static string MessageKey(Guid requestId) => $"reconsent:{requestId}";

    /// <summary>The SMS: who asks, what to confirm, where — and what happens without an answer.</summary>
    public static string Text(string tenantName, string link, int graceDays) =>
        $"{tenantName}: подтвердите согласие на рекламные SMS по ссылке {link} Без подтверждения через {graceDays} дн. рассылка прекратится.";
}
