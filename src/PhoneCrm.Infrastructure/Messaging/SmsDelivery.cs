using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hosting;
using PhoneCrm.Infrastructure.Messaging.Providers;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>
/// Sends queued messages of the current tenant through its provider. Each batch is claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> inside a transaction that also records the outcome, so two runs on the same ids never
/// send a message twice; a crash before the commit leaves the messages queued, and the resend carries the same
/// idempotency key, which the provider answers with the message it already has.
/// Retryable failures back off exponentially (kept queued), permanent ones and exhausted retries end <c>failed</c>.
/// </summary>
public sealed class SmsDelivery(PhoneCrmDbContext db, PiiProtector protector, SmsProviderResolver providers, SmsSettingsStore settings,
    SmsWorkSignal signal, IOptionsMonitor<SmsOptions> options, TimeProvider clock, ILogger<SmsDelivery> logger)
{
    private const int Sent = 0;
    private const int Retry = 1;
    private const int Refused = 2;

    /// <summary>Sends those of <paramref name="messageIds"/> that are queued and due; others are left alone.</summary>
    public async Task DeliverAsync(IReadOnlyList<Guid> messageIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var tenant = db.Tenant.RequireTenant();
        // Held, not failed: the messages stay queued and go out when the platform resumes the tenant.
        if (await db.IsSuspendedAsync(tenant, ct)) return;
        var batchSize = Math.Max(1, options.CurrentValue.Delivery.BatchSize);
        foreach (var chunk in messageIds.Distinct().Chunk(batchSize))
        {
            await DeliverBatchAsync(tenant, chunk, ct);
        }
    }

    private async Task DeliverBatchAsync(Guid tenant, Guid[] ids, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var tx = await conn.BeginTransactionAsync(ct);
            var claimed = await ClaimAsync(conn, tx, tenant, ids, ct);
            if (claimed.Count == 0)
            {
                await tx.CommitAsync(ct);
                return;
            }

            var provider = await providers.ForTenantAsync(ct);
            var sender = await settings.SenderAsync(ct);
            var requests = claimed.Select(c => new SmsSendRequest(tenant, c.Id, c.Key,
                protector.Decrypt(c.Phone, tenant, SmsPii.Phone)!, protector.Decrypt(c.Text, tenant, SmsPii.Text)!, sender)).ToList();

            IReadOnlyList<SmsSendResult> results;
            try
            {
                results = await provider.SendManyAsync(requests, ct);
                if (results.Count != requests.Count) throw new InvalidOperationException($"{provider.Name} answered {results.Count} of {requests.Count}.");
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "SMS provider {Provider} failed a batch of {Count}", provider.Name, requests.Count);
                results = requests.Select(_ => SmsSendResult.Retry(e.Message, "provider_error")).ToList();
            }

            var (sent, failed, retried) = await RecordAsync(conn, tx, tenant, provider.Name, claimed, results, ct);
            await tx.CommitAsync(ct);
            // Counted once the outcome is committed: a batch rolled back is claimed again and counted then.
            PhoneCrmMetrics.Delivered(provider.Name, sent, failed, retried);
            // Retries and simulator receipts are picked up by the sweeper.
            signal.Touch(tenant);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed record Claimed(Guid Id, string Key, byte[] Phone, byte[] Text);

    private static async Task<List<Claimed>> ClaimAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenant, Guid[] ids,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT id, idempotency_key, phone_cipher, text_cipher FROM sms_messages
            WHERE tenant_id = @tenant AND id = ANY(@ids) AND status = 'queued'
              AND (next_attempt_at IS NULL OR next_attempt_at <= now())
            ORDER BY id
            FOR UPDATE SKIP LOCKED
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter("tenant", tenant));
        cmd.Parameters.Add(Sql.ArrayOf("ids", ids));
        var list = new List<Claimed>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new Claimed(reader.GetGuid(0), reader.GetString(1), (byte[])reader[2], (byte[])reader[3]));
        }

        return list;
    }

    /// <returns>How many of the batch ended sent, failed, and queued again for a retry.</returns>
    private async Task<(int Sent, int Failed, int Retried)> RecordAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenant, string provider, List<Claimed> claimed,
        IReadOnlyList<SmsSendResult> results, CancellationToken ct)
    {
        var o = options.CurrentValue.Delivery;
        var outcomes = results.Select(r => r.Outcome switch
        {
            SmsSendOutcome.Accepted when !string.IsNullOrEmpty(r.ProviderMessageId) => Sent,
            SmsSendOutcome.PermanentFailure => Refused,
            _ => Retry,
        }).ToArray();
        // Jitter spreads retries of many messages so a recovering provider is not hit all at once.
        var jitter = results.Select(_ => Random.Shared.NextDouble() * 0.2 + 0.9).ToArray();
        await using var cmd = new NpgsqlCommand("""
            UPDATE sms_messages m SET
                status = CASE WHEN u.outcome = 0 THEN 'sent'
                              WHEN u.outcome = 2 OR m.attempts + 1 >= @max THEN 'failed'
                              ELSE 'queued' END,
                provider = @provider,
                provider_message_id = COALESCE(u.pmid, m.provider_message_id),
                sent_at = CASE WHEN u.outcome = 0 THEN @now ELSE m.sent_at END,
                status_at = @now,
                attempts = m.attempts + 1,
                next_attempt_at = CASE WHEN u.outcome = 1 AND m.attempts + 1 < @max
                    THEN @now + make_interval(secs => least(@maxMs, @baseMs * power(2, m.attempts)) * u.jitter / 1000.0)
                    ELSE NULL END,
                error_code = CASE WHEN u.outcome = 0 THEN NULL ELSE left(u.code, 32) END,
                last_error = CASE WHEN u.outcome = 0 THEN m.last_error ELSE left(u.error, 500) END
            FROM unnest(@ids, @outcomes, @pmids, @codes, @errors, @jitter) AS u(id, outcome, pmid, code, error, jitter)
            WHERE m.tenant_id = @tenant AND m.id = u.id
            RETURNING m.status
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter("tenant", tenant));
        cmd.Parameters.Add(new NpgsqlParameter("provider", provider));
        cmd.Parameters.Add(new NpgsqlParameter("now", clock.GetUtcNow()));
        cmd.Parameters.Add(new NpgsqlParameter("max", Math.Max(1, o.MaxAttempts)));
        cmd.Parameters.Add(new NpgsqlParameter("baseMs", (double)Math.Max(1, o.RetryBaseMs)));
        cmd.Parameters.Add(new NpgsqlParameter("maxMs", (double)Math.Max(o.RetryBaseMs, o.RetryMaxMs)));
        cmd.Parameters.Add(Sql.ArrayOf("ids", claimed.Select(c => c.Id)));
        cmd.Parameters.Add(Sql.ArrayOf("outcomes", outcomes));
        cmd.Parameters.Add(Sql.ArrayOf("pmids", results.Select(r => r.ProviderMessageId)));
        cmd.Parameters.Add(Sql.ArrayOf("codes", results.Select(r => r.ErrorCode)));
        cmd.Parameters.Add(Sql.ArrayOf("errors", results.Select(r => r.Error)));
        cmd.Parameters.Add(Sql.ArrayOf("jitter", jitter));
        int sent = 0, failed = 0, retried = 0;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                switch (reader.GetString(0))
                {
                    case SmsStatus.Sent: sent++; break;
                    case SmsStatus.Failed: failed++; break;
                    default: retried++; break;
                }
            }
        }

        return (sent, failed, retried);
    }

    /// <summary>Queued messages of the current tenant that are due: retries whose time came, fresh ones past the grace.</summary>
    public async Task<List<Guid>> DueAsync(int limit, CancellationToken ct)
    {
        var grace = TimeSpan.FromSeconds(Math.Max(0, options.CurrentValue.Delivery.GraceSeconds));
        var now = clock.GetUtcNow();
        var fresh = now - grace;
        return await db.SmsMessages.AsNoTracking()
            .Where(m => m.Status == SmsStatus.Queued && m.NextAttemptAt <= now && (m.Attempts > 0 || m.CreatedAt <= fresh))
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => m.Id)
            .Take(limit)
            .ToListAsync(ct);
    }
}
