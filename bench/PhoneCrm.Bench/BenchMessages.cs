using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Bench;

/// <summary>Earlier marketing messages for the loaders: one binary COPY into <c>sms_messages</c>, one row per call.</summary>
public static class BenchMessages
{
    public const string Copy = """
        COPY sms_messages (tenant_id, id, contact_id, kind, purpose, category, phone_cipher, phone_index, text_cipher, segments, cost,
            idempotency_key, provider, provider_message_id, status, attempts, created_at, sent_at, status_at, campaign_id) FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>A promotional campaign message sent at <paramref name="at"/>, its receipt (<paramref name="status"/>) 5 s later;
    /// of campaign <paramref name="campaignId"/> when given (the analytics benchmark groups by it).</summary>
    public static async Task WriteAsync(NpgsqlBinaryImporter w, Guid tenantId, Guid contactId, byte[] phoneIndex, byte[] cipher, int segments,
        decimal cost, string key, string providerId, string status, DateTimeOffset at, Guid? campaignId = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        await w.StartRowAsync();
        await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
        await w.WriteAsync(Guid.CreateVersion7(at), NpgsqlDbType.Uuid);
        await w.WriteAsync(contactId, NpgsqlDbType.Uuid);
        await w.WriteAsync(SmsKinds.Campaign, NpgsqlDbType.Varchar);
        await w.WriteAsync("marketing", NpgsqlDbType.Varchar);
        await w.WriteAsync(SmsCategories.Promotional, NpgsqlDbType.Varchar);
        await w.WriteAsync(cipher, NpgsqlDbType.Bytea);
        await w.WriteAsync(phoneIndex, NpgsqlDbType.Bytea);
        await w.WriteAsync(cipher, NpgsqlDbType.Bytea);
        await w.WriteAsync(segments, NpgsqlDbType.Integer);
        await w.WriteAsync(cost, NpgsqlDbType.Numeric);
        await w.WriteAsync(key, NpgsqlDbType.Varchar);
        await w.WriteAsync(SmsProviderNames.Simulator, NpgsqlDbType.Varchar);
        await w.WriteAsync(providerId, NpgsqlDbType.Varchar);
        await w.WriteAsync(status, NpgsqlDbType.Varchar);
        await w.WriteAsync(1, NpgsqlDbType.Integer);
        await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
        await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
        await w.WriteAsync(at.AddSeconds(5), NpgsqlDbType.TimestampTz);
        if (campaignId is { } campaign) await w.WriteAsync(campaign, NpgsqlDbType.Uuid);
        else await w.WriteNullAsync();
    }
}
