using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging.Providers;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Messaging.Simulator;

/// <summary>
/// The default provider: behaves like an external gateway with its own database. Each call commits on its own connection
/// (never inside the caller's transaction), one row per idempotency key, so a resend returns the same provider id.
/// <c>Sms:Simulator:FailureRate</c> fails that share of calls retryably with nothing stored; delivery is reported
/// <c>Sms:Simulator:DeliveryDelayMs</c> after acceptance by <see cref="SimulatorReceipts"/>.
/// </summary>
public sealed class SimulatorSmsProvider(PhoneCrmDbContext db, PiiProtector protector, BlindIndex blind,
    IOptionsMonitor<SmsOptions> options, SmsWorkSignal signal, TimeProvider clock) : ISmsProvider
{
    public string Name => SmsProviderNames.Simulator;

    public async Task<SmsSendResult> SendAsync(SmsSendRequest request, CancellationToken ct) => (await SendManyAsync([request], ct))[0];

    public async Task<IReadOnlyList<SmsSendResult>> SendManyAsync(IReadOnlyList<SmsSendRequest> requests, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) return [];
        var sim = options.CurrentValue.Simulator;
        if (sim.FailureRate > 0 && Random.Shared.NextDouble() < sim.FailureRate)
        {
            return requests.Select(_ => SmsSendResult.Retry("Simulated gateway failure.", "sim_unavailable")).ToList();
        }

        var results = new SmsSendResult[requests.Count];
        foreach (var group in requests.Select((r, i) => (r, i)).GroupBy(x => x.r.TenantId))
        {
            var items = group.ToList();
            var ids = await StoreAsync(group.Key, items.Select(x => x.r).ToList(), sim.DeliveryDelayMs, ct);
            foreach (var (r, i) in items)
            {
                results[i] = ids.TryGetValue(r.IdempotencyKey, out var pmid)
                    ? SmsSendResult.Accepted(pmid)
                    : SmsSendResult.Retry("A concurrent send with the same key is in progress.", "sim_busy");
            }

            signal.Touch(group.Key);
        }

        return results;
    }

    private async Task<Dictionary<string, string>> StoreAsync(Guid tenant, List<SmsSendRequest> batch, int delayMs, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var index = await blind.ForTenantAsync(db, tenant, ct);
        var n = batch.Count;
        var keys = new string[n];
        var pmids = new string[n];
        var messageIds = new Guid[n];
        var phones = new byte[n][];
        var indexes = new byte[n][];
        var texts = new byte[n][];
        var senders = new string?[n];
        var segments = new int[n];
        for (var i = 0; i < n; i++)
        {
            var r = batch[i];
            keys[i] = r.IdempotencyKey;
            pmids[i] = "sim-" + Guid.CreateVersion7().ToString("N");
            messageIds[i] = r.MessageId;
            phones[i] = protector.Encrypt(r.Phone, tenant, SmsPii.SimulatorPhone)!;
            indexes[i] = index.Phone(r.Phone);
            texts[i] = protector.Encrypt(r.Text, tenant, SmsPii.SimulatorText)!;
            senders[i] = r.Sender;
            segments[i] = SmsText.Measure(r.Text).Segments;
        }

        // Its own connection and implicit transaction: committed whatever the caller does afterwards.
        await using var conn = new NpgsqlConnection(db.Database.GetConnectionString());
        await conn.OpenAsync(ct);
        await using (var apply = TenantConnectionInterceptor.Apply(conn, tenant, null))
        {
            await apply.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = new NpgsqlCommand("""
            WITH u AS (
                SELECT * FROM unnest(@keys, @pmids, @mids, @phones, @indexes, @texts, @senders, @segments)
                    AS u(key, pmid, mid, phone_cipher, phone_index, text_cipher, sender, segments)
            ), ins AS (
                INSERT INTO sms_simulator_messages (tenant_id, provider_message_id, idempotency_key, message_id, phone_cipher,
                    phone_index, text_cipher, sender, segments, accepted_at, deliver_at, status)
                SELECT @tenant, u.pmid, u.key, u.mid, u.phone_cipher, u.phone_index, u.text_cipher, u.sender, u.segments,
                    @now, @deliverAt, 'accepted'
                FROM u
                ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
                RETURNING idempotency_key, provider_message_id
            )
            SELECT u.key, COALESCE(ins.provider_message_id, s.provider_message_id)
            FROM u
            LEFT JOIN ins ON ins.idempotency_key = u.key
            LEFT JOIN sms_simulator_messages s ON s.tenant_id = @tenant AND s.idempotency_key = u.key
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter("tenant", tenant));
        cmd.Parameters.Add(new NpgsqlParameter("now", now));
        cmd.Parameters.Add(new NpgsqlParameter("deliverAt", now.AddMilliseconds(Math.Max(0, delayMs))));
        cmd.Parameters.Add(Sql.ArrayOf("keys", keys));
        cmd.Parameters.Add(Sql.ArrayOf("pmids", pmids));
        cmd.Parameters.Add(Sql.ArrayOf("mids", messageIds));
        cmd.Parameters.Add(Sql.ArrayOf("phones", phones));
        cmd.Parameters.Add(Sql.ArrayOf("indexes", indexes));
        cmd.Parameters.Add(Sql.ArrayOf("texts", texts));
        cmd.Parameters.Add(Sql.ArrayOf("senders", senders));
        cmd.Parameters.Add(Sql.ArrayOf("segments", segments));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!reader.IsDBNull(1)) result[reader.GetString(0)] = reader.GetString(1);
        }

        return result;
    }
}
