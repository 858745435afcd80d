using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Hosting;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

/// <summary>
/// Runs one batch of a campaign: the policy decides for its pending recipients, texts are rendered per recipient
/// (names decrypted, links shortened), queued in one bulk call with the key <c>campaign:{campaignId}:{contactId}</c>,
/// outcomes recorded, then the batch's queued messages are delivered. Every step is idempotent, so a batch re-run
/// after a crash at any point produces no second message; a session advisory lock keeps two workers off one batch.
/// </summary>
public sealed class CampaignDispatcher(
    PhoneCrmDbContext db,
    SendPolicyService policy,
    SmsOutbox outbox,
    SmsDelivery delivery,
    PiiProtector protector,
    ShortLinks shortLinks,
    ILogger<CampaignDispatcher> logger)
{
    public static readonly IReadOnlyDictionary<string, string> Fallbacks = new Dictionary<string, string>
    {
        ["firstName"] = "Клиент",
        ["lastName"] = "",
    };

    public static string IdempotencyKey(Guid campaignId, Guid contactId) => $"campaign:{campaignId}:{contactId}";

    public async Task RunBatchAsync(Guid campaignId, int batch, CancellationToken ct = default)
    {
        if (!await AdvisoryLock.CampaignBatch(campaignId, batch).TryRunAsync(db, conn => RunLockedBatchAsync(conn, campaignId, batch, ct), ct))
            logger.LogInformation("Batch {Batch} of campaign {CampaignId} is running elsewhere", batch, campaignId);
    }

    private async Task RunLockedBatchAsync(NpgsqlConnection conn, Guid campaignId, int batch, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null || campaign.Status != CampaignStatus.Sending) return;
        await Sql.ExecAsync(conn, "UPDATE campaign_batches SET updated_at = now() WHERE campaign_id = @c AND batch = @b", ct,
            Sql.P("c", campaignId), Sql.P("b", batch));

        // The batch's rows by the batch index alone; outcomes are filtered here (an outcome predicate could lead the
        // planner to the campaign-wide outcome index, whose scan grows with the campaign).
        var rows = await BatchRowsAsync(conn, campaignId, batch, ct);
        var pending = rows.Where(r => r.Outcome == RecipientOutcome.Pending).ToDictionary(r => r.ContactId, r => r.Variant);
        if (pending.Count > 0)
        {
            await DispatchAsync(conn, campaign, batch, pending, ct);
            rows = await BatchRowsAsync(conn, campaignId, batch, ct);
        }

        // Deliver whatever of this batch is still queued (also after a crash between queuing and delivery).
        var sent = rows.Where(r => r.Outcome == RecipientOutcome.Sent && r.MessageId is not null).Select(r => r.MessageId!.Value).ToArray();
        var queued = await QueuedAsync(conn, sent, ct);
        if (queued.Count > 0) await delivery.DeliverAsync(queued, ct);

        await Sql.ExecAsync(conn, "UPDATE campaign_batches SET done_at = now(), updated_at = now() WHERE campaign_id = @c AND batch = @b", ct,
            Sql.P("c", campaignId), Sql.P("b", batch));
        await CampaignPlanner.CompleteIfDoneAsync(db, campaignId, ct);
    }

    private sealed record BatchRow(Guid ContactId, string Outcome, string? Variant, Guid? MessageId);

    private static async Task<List<BatchRow>> BatchRowsAsync(NpgsqlConnection conn, Guid campaignId, int batch, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT contact_id, outcome, variant, message_id FROM campaign_recipients
            WHERE tenant_id = app_current_tenant() AND campaign_id = @c AND batch = @b
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter("c", campaignId));
        cmd.Parameters.Add(new NpgsqlParameter("b", batch));
        var rows = new List<BatchRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            rows.Add(new BatchRow(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetGuid(3)));
        }

        return rows;
    }

    /// <summary>Those of the messages that are still queued, looked up by primary key.</summary>
    private static async Task<List<Guid>> QueuedAsync(NpgsqlConnection conn, Guid[] messageIds, CancellationToken ct)
    {
        var result = new List<Guid>();
        if (messageIds.Length == 0) return result;
        await using var cmd = new NpgsqlCommand(
            "SELECT id FROM sms_messages WHERE tenant_id = app_current_tenant() AND id = ANY(@ids) AND status = 'queued'", conn);
        cmd.Parameters.Add(Sql.ArrayOf("ids", messageIds));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add(r.GetGuid(0));
        return result;
    }

    private async Task DispatchAsync(NpgsqlConnection conn, Campaign campaign, int batchNumber, Dictionary<Guid, string?> pending, CancellationToken ct)
    {
        var ids = pending.Keys.ToArray();
        var keys = ids.Select(id => IdempotencyKey(campaign.Id, id)).ToArray();

        // Messages queued by an earlier, interrupted run of this batch: those recipients are sent, whatever the policy says now.
        var existing = await MessageIdsAsync(conn, keys, ct);
        var intent = new SendIntent(campaign.Purpose, campaign.Category, SmsKinds.Campaign);
        var undecided = ids.Where(id => !existing.ContainsKey(IdempotencyKey(campaign.Id, id))).ToList();
        var decisions = await policy.DecideAsync(intent, undecided, campaign.Id, ct);

        var toSend = decisions.Where(d => d.Value.Outcome == SendOutcome.Send).Select(d => d.Key).ToList();
        if (toSend.Count > 0)
        {
            var contacts = await db.Contacts.AsNoTracking().Where(c => toSend.Contains(c.Id))
                .Select(c => new { c.Id, c.PhoneCipher, c.FirstNameCipher, c.LastNameCipher }).ToListAsync(ct);
            var links = await shortLinks.CreateAsync(campaign, contacts.Select(c => (c.Id, pending[c.Id])).ToList(), ct);
            var batch = new List<OutgoingSms>(contacts.Count);
            foreach (var c in contacts)
            {
                var values = new Dictionary<string, string?>
                {
                    ["firstName"] = protector.Decrypt(c.FirstNameCipher, campaign.TenantId, ContactService.FirstNameContext),
                    ["lastName"] = protector.Decrypt(c.LastNameCipher, campaign.TenantId, ContactService.LastNameContext),
                    [ShortLinks.UnsubscribeVariable.Key] = ShortLinks.UnsubscribeVariable.Value,
                };
                var text = SmsTemplate.Render(campaign.TextOf(pending[c.Id]), values, Fallbacks);
                if (links.TryGetValue(c.Id, out var codes)) text = shortLinks.Shorten(text, url => codes.GetValueOrDefault(url));
                batch.Add(new OutgoingSms(c.Id, protector.Decrypt(c.PhoneCipher, campaign.TenantId, ContactService.PhoneContext)!, text, campaign.Purpose,
                    campaign.Category, SmsKinds.Campaign, IdempotencyKey(campaign.Id, c.Id), campaign.Id));
            }

            await outbox.QueueManyAsync(batch, ct);
            foreach (var (k, v) in await MessageIdsAsync(conn, batch.Select(b => b.IdempotencyKey).ToArray(), ct)) existing[k] = v;
        }

        var contactIds = new List<Guid>(ids.Length);
        var outcomes = new List<string>(ids.Length);
        var reasons = new List<string?>(ids.Length);
        var until = new List<DateTimeOffset?>(ids.Length);
        var messages = new List<Guid?>(ids.Length);
        foreach (var id in ids)
        {
            if (existing.TryGetValue(IdempotencyKey(campaign.Id, id), out var messageId))
            {
                Add(id, RecipientOutcome.Sent, null, null, messageId);
            }
            else if (decisions.TryGetValue(id, out var d))
            {
                if (d.Outcome == SendOutcome.Skip) Add(id, RecipientOutcome.Skipped, d.Reason, null, null);
                else if (d.Outcome == SendOutcome.Defer) Add(id, RecipientOutcome.Deferred, d.Reason, d.DeferredUntil, null);
            }
            else
            {
                // The contact vanished between planning and sending (deleted): nothing can be sent to it.
                Add(id, RecipientOutcome.Skipped, SendReasons.Erased, null, null);
            }
        }

        await using var cmd = new NpgsqlCommand("""
            UPDATE campaign_recipients r SET outcome = x.outcome, reason = x.reason, deferred_until = x.until, message_id = x.message,
              updated_at = now()
            FROM unnest(@ids, @outcomes, @reasons, @until, @messages) AS x(id, outcome, reason, until, message)
            WHERE r.tenant_id = app_current_tenant() AND r.campaign_id = @c AND r.batch = @b AND r.contact_id = x.id
              AND (r.outcome || '') = 'pending'
            """, conn);
        // The outcome guard is written so that it cannot lead to the campaign-wide outcome index (a hash over every
        // pending recipient of the campaign per batch); the rows are found by key or by the batch index.
        cmd.Parameters.Add(new NpgsqlParameter("c", campaign.Id));
        cmd.Parameters.Add(new NpgsqlParameter("b", batchNumber));
        cmd.Parameters.Add(Sql.ArrayOf("ids", contactIds));
        cmd.Parameters.Add(Sql.ArrayOf("outcomes", outcomes));
        cmd.Parameters.Add(Sql.ArrayOf("reasons", reasons));
        cmd.Parameters.Add(Sql.ArrayOf("until", until));
        cmd.Parameters.Add(Sql.ArrayOf("messages", messages));
        await cmd.ExecuteNonQueryAsync(ct);
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i] == RecipientOutcome.Skipped) PhoneCrmMetrics.Skipped(SmsKinds.Campaign, reasons[i]);
        }

        void Add(Guid id, string outcome, string? reason, DateTimeOffset? deferred, Guid? message)
        {
            contactIds.Add(id);
            outcomes.Add(outcome);
            reasons.Add(reason);
            until.Add(deferred);
            messages.Add(message);
        }
    }

    private static async Task<Dictionary<string, Guid>> MessageIdsAsync(NpgsqlConnection conn, string[] keys, CancellationToken ct)
    {
        var result = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (keys.Length == 0) return result;
        await using var cmd = new NpgsqlCommand("SELECT idempotency_key, id FROM sms_messages WHERE tenant_id = app_current_tenant() AND idempotency_key = ANY(@k)", conn);
        cmd.Parameters.Add(Sql.ArrayOf("k", keys));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result[r.GetString(0)] = r.GetGuid(1);
        return result;
    }
}
