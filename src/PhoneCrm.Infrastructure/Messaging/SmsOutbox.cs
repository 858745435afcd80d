using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hosting;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>
/// Queues SMS in <c>sms_messages</c> before any provider call: phone and text encrypted, phone blind-indexed like contacts,
/// segments measured, cost from the tenant's price per segment. The idempotency key is unique per tenant, so queuing the
/// same key again (a retried job, a restarted dispatch) adds nothing. Sending is <see cref="SmsDelivery"/>'s job; anything
/// queued and due is sent by the delivery sweeper at the latest, so pass <see cref="OutgoingSms.SendAfter"/> to defer.
/// </summary>
public sealed class SmsOutbox(PhoneCrmDbContext db, PiiProtector protector, BlindIndex blind, SmsSettingsStore settings,
    SmsWorkSignal signal, TimeProvider clock)
{
    private const int ChunkSize = 5000;

    /// <summary>Kinds sent without a consent record behind them: team test sends and the answers to the person's own action.</summary>
    private static readonly string[] _kindsWithoutRecord = [SmsKinds.Test, .. SendIntent.AnswerKinds];

    /// <summary>Queues one message; the same key again returns the message already queued under it.</summary>
    public async Task<SmsMessage> QueueAsync(OutgoingSms sms, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sms);
        await QueueManyAsync([sms], ct);
        return await db.SmsMessages.AsNoTracking().SingleAsync(m => m.IdempotencyKey == sms.IdempotencyKey, ct);
    }

    /// <summary>Queues a batch in set-based inserts; returns how many were new (existing keys are skipped).</summary>
    public async Task<int> QueueManyAsync(IReadOnlyList<OutgoingSms> batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return 0;
        var tenant = db.Tenant.RequireTenant();
        var price = await settings.PricePerSegmentAsync(ct);
        var now = clock.GetUtcNow();
        var inserted = 0;
        var index = await blind.ForTenantAsync(db, tenant, ct);

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            for (var start = 0; start < batch.Count; start += ChunkSize)
            {
                inserted += await InsertChunkAsync(conn, tenant, index, batch.Skip(start).Take(ChunkSize).ToList(), price, now, ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        signal.Touch(tenant);
        return inserted;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "The one interpolated fragment is the constant ConsentSql.IsActive; every value is a parameter.")]
    private async Task<int> InsertChunkAsync(NpgsqlConnection conn, Guid tenant, TenantBlindIndex index, List<OutgoingSms> chunk, decimal price,
        DateTimeOffset now, CancellationToken ct)
    {
        var n = chunk.Count;
        var ids = new Guid[n];
        var contacts = new Guid?[n];
        var campaigns = new Guid?[n];
        var kinds = new string[n];
        var purposes = new string[n];
        var categories = new string[n];
        var phones = new byte[n][];
        var indexes = new byte[n][];
        var texts = new byte[n][];
        var segments = new int[n];
        var costs = new decimal[n];
        var keys = new string[n];
        var due = new DateTime[n];
        for (var i = 0; i < n; i++)
        {
            var s = chunk[i];
            ArgumentException.ThrowIfNullOrWhiteSpace(s.IdempotencyKey);
            ArgumentNullException.ThrowIfNull(s.Text);
            var e164 = Normalize(s.Phone);
            var length = SmsText.Measure(s.Text);
            ids[i] = Guid.CreateVersion7();
            contacts[i] = s.ContactId;
            campaigns[i] = s.CampaignId;
            kinds[i] = s.Kind;
            purposes[i] = s.Purpose;
            categories[i] = s.Category;
            phones[i] = protector.Encrypt(e164, tenant, SmsPii.Phone)!;
            indexes[i] = index.Phone(e164);
            texts[i] = protector.Encrypt(s.Text, tenant, SmsPii.Text)!;
            segments[i] = length.Segments;
            costs[i] = SmsCost.Estimate(length.Segments, 1, price);
            keys[i] = s.IdempotencyKey;
            due[i] = (s.SendAfter ?? now).UtcDateTime;
        }

        // The proof behind each message is read in the same statement that queues it: the ledger record of the contact's
        // active state for the message's purpose by SMS at this moment (ConsentSql.IsActive). Test sends and answers to
        // the person's own action rest on that action, not on a record (SendIntent.AnswersRecipient).
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO sms_messages (tenant_id, id, contact_id, campaign_id, kind, purpose, category, consent_record_id, phone_cipher,
                phone_index, text_cipher, segments, cost, idempotency_key, status, attempts, next_attempt_at, created_at)
            SELECT @tenant, u.id, u.contact_id, u.campaign_id, u.kind, u.purpose, u.category,
                CASE WHEN u.kind = ANY(@withoutRecord) THEN NULL ELSE (
                    SELECT s.last_record_id FROM consent_states s
                    WHERE s.tenant_id = @tenant AND s.contact_id = u.contact_id AND s.purpose = u.purpose AND s.channel = @channel
                      AND {ConsentSql.IsActive("s", "@now")}) END,
                u.phone_cipher, u.phone_index, u.text_cipher, u.segments, u.cost, u.key, 'queued', 0, u.due, @now
            FROM unnest(@ids, @contacts, @campaigns, @kinds, @purposes, @categories, @phones, @indexes, @texts, @segments,
                @costs, @keys, @due)
                AS u(id, contact_id, campaign_id, kind, purpose, category, phone_cipher, phone_index, text_cipher, segments,
                cost, key, due)
            ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
            RETURNING kind
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter("tenant", tenant));
        cmd.Parameters.Add(new NpgsqlParameter("now", now));
        cmd.Parameters.Add(new NpgsqlParameter("channel", SendIntent.Channel));
        cmd.Parameters.Add(new NpgsqlParameter("withoutRecord", _kindsWithoutRecord));
        cmd.Parameters.Add(Sql.ArrayOf("ids", ids));
        cmd.Parameters.Add(Sql.ArrayOf("contacts", contacts));
        cmd.Parameters.Add(Sql.ArrayOf("campaigns", campaigns));
        cmd.Parameters.Add(Sql.ArrayOf("kinds", kinds));
        cmd.Parameters.Add(Sql.ArrayOf("purposes", purposes));
        cmd.Parameters.Add(Sql.ArrayOf("categories", categories));
        cmd.Parameters.Add(Sql.ArrayOf("phones", phones));
        cmd.Parameters.Add(Sql.ArrayOf("indexes", indexes));
        cmd.Parameters.Add(Sql.ArrayOf("texts", texts));
        cmd.Parameters.Add(Sql.ArrayOf("segments", segments));
        cmd.Parameters.Add(Sql.ArrayOf("costs", costs));
        cmd.Parameters.Add(Sql.ArrayOf("keys", keys));
        cmd.Parameters.Add(Sql.ArrayOf("due", due));
        var queued = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var kind = reader.GetString(0);
                queued[kind] = queued.GetValueOrDefault(kind) + 1;
            }
        }

        foreach (var (kind, count) in queued) PhoneCrmMetrics.Queued(kind, count);
        return queued.Values.Sum();
    }

    /// <summary>E.164 as given (the fast path for campaigns), anything else parsed as a Russian-region number.</summary>
    public static string Normalize(string phone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phone);
        if (phone.Length is >= 9 and <= 16 && phone[0] == '+' && !phone.AsSpan(1).ContainsAnyExceptInRange('0', '9'))
        {
            return phone;
        }

        var parsed = PhoneParser.Parse(phone);
        return parsed.IsSuccess ? parsed.Phone.E164 : throw new ArgumentException($"Not a phone number ({parsed.Error}).", nameof(phone));
    }
}
