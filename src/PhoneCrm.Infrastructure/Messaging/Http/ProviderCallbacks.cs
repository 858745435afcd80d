using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hosting;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Messaging.Http;

/// <summary>
/// The secret in a provider's callback address: SMS.ru and SMSC sign nothing they post, so the address itself is the
/// credential. A keyed hash (<see cref="BlindIndex.Opaque"/>) of the tenant id — nothing to store, unguessable without the
/// index key, different per tenant, checked in constant time. The tenant id in the path only says which hash to expect.
/// </summary>
public sealed class ProviderCallbackTokens(BlindIndex index, IConfiguration config)
{
    public const string SmsRuPath = "smsru";
    public const string SmscPath = "smsc";

    public string TokenFor(Guid tenantId) => WebEncoders.Base64UrlEncode(index.Opaque($"sms-provider-callback\n{tenantId:N}"));

    public bool IsValid(Guid tenantId, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64) return false;
        var expected = System.Text.Encoding.ASCII.GetBytes(TokenFor(tenantId));
        var given = System.Text.Encoding.ASCII.GetBytes(token);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>The address to paste into the provider's cabinet (<paramref name="provider"/>: <see cref="SmsRuPath"/> or <see cref="SmscPath"/>).</summary>
    public string UrlFor(Guid tenantId, string provider) =>
        $"{PublicAddress.Of(config)}/webhooks/sms/{provider}/{tenantId:N}/{TokenFor(tenantId)}";
}

/// <summary>What one callback post did: receipts applied to our messages, receipts for ids we do not know, replies received.</summary>
public sealed record ProviderCallbackResult(int Receipts, int Unknown, int Replies, int Ignored);

/// <summary>
/// SMS.ru and SMSC.ru callbacks in the providers' own formats (PRODUCT §4.4), authenticated by the address's
/// <see cref="ProviderCallbackTokens">secret</see>; the tenant comes from the address. Receipts are mapped through
/// <see cref="ProviderStatuses"/> into <see cref="SmsStatusUpdater"/> (statuses only move forward, so a repeated post
/// changes nothing), replies go to <see cref="InboundSmsService"/> with the provider's id as the dedup key (a repeated
/// post is received once). In-flight states (accepted, handed to the operator) are not receipts: the message is already
/// <c>sent</c>.
/// </summary>
public sealed class ProviderCallbacks(PhoneCrmDbContext db, ProviderCallbackTokens tokens, SmsStatusUpdater statuses,
    InboundSmsService inbound, AuditLog audit, AuditActor actor, TimeProvider clock, ILogger<ProviderCallbacks> logger)
{
    /// <summary>
    /// SMS.ru posts <c>data[N]</c> form fields, each lines joined by <c>\n</c>: <c>sms_status\n{sms_id}\n{code}\n{unix_time}</c>
    /// for a receipt, <c>sms_inbox\n{id}\n{from}\n{text}\n{unix_time}</c> for a reply (the text may span lines). Null when
    /// the address's secret is wrong.
    /// </summary>
    public async Task<ProviderCallbackResult?> SmsRuAsync(Guid tenantId, string? token, IReadOnlyList<string> entries, CancellationToken ct)
    {
        if (!Enter(tenantId, token, "SMS.ru")) return null;
        var receipts = new List<SmsReceipt>();
        var replies = new List<InboundInput>();
        var ignored = 0;
        foreach (var entry in entries)
        {
            var lines = entry.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            switch (lines[0].Trim())
            {
                case "sms_status" when lines.Length >= 3 && Int(lines[2]) is { } code && ProviderStatuses.FromSmsRu(code) is { } status
                                       && SmsStatus.Receipts.Contains(status) && lines[1].Trim() is { Length: > 0 and <= 100 } id:
                    receipts.Add(new SmsReceipt(id, status, status == SmsStatus.Delivered ? null : code.ToString(CultureInfo.InvariantCulture),
                        UnixTime(lines.Length > 3 ? lines[3] : null)));
                    break;
                case "sms_inbox" when lines.Length >= 4:
                    var hasTime = lines.Length >= 5 && Long(lines[^1]) is not null;
                    var text = string.Join('\n', lines[3..(hasTime ? ^1 : ^0)]);
                    replies.Add(new InboundInput(lines[2].Trim(), null, text, hasTime ? UnixTime(lines[^1]) : null, Id("smsru", lines[1])));
                    break;
                default:
                    ignored++; // test pings, call-check statuses, in-flight states: nothing to apply
                    break;
            }
        }

        return await ApplyAsync("SMS.ru", receipts, replies, ignored, ct);
    }

    /// <summary>
    /// SMSC posts (or GETs) one event per request: a receipt as <c>id</c>, <c>phone</c>, <c>status</c>, <c>time</c> or
    /// <c>ts</c> (unix seconds) and <c>err</c>; an incoming SMS as <c>phone</c> (sender), <c>mes</c>, <c>to</c> and its own
    /// <c>id</c>. Null when the address's secret is wrong.
    /// </summary>
    public async Task<ProviderCallbackResult?> SmscAsync(Guid tenantId, string? token, IReadOnlyDictionary<string, string> fields,
        CancellationToken ct)
    {
        if (!Enter(tenantId, token, "SMSC")) return null;
        var receipts = new List<SmsReceipt>();
        var replies = new List<InboundInput>();
        var ignored = 0;
        var id = fields.GetValueOrDefault("id")?.Trim();
        var time = fields.GetValueOrDefault("time") is { Length: > 0 } t ? t : fields.GetValueOrDefault("ts");
        var at = UnixTime(time);
        if (fields.TryGetValue("mes", out var text))
        {
            replies.Add(new InboundInput(fields.GetValueOrDefault("phone"), fields.GetValueOrDefault("to"), text,
                Long(time) is null ? null : at, id is { Length: > 0 } ? Id("smsc", id) : null));
        }
        else if (id is { Length: > 0 and <= 100 } && Int(fields.GetValueOrDefault("status")) is { } code
                 && ProviderStatuses.FromSmsc(code) is { } status && SmsStatus.Receipts.Contains(status))
        {
            var err = fields.GetValueOrDefault("err") is { Length: > 0 and <= 32 } e && e != "0" ? e : null;
            receipts.Add(new SmsReceipt(id, status, status is SmsStatus.Delivered or SmsStatus.Read ? null : err ?? code.ToString(CultureInfo.InvariantCulture), at));
        }
        else
        {
            ignored++;
        }

        return await ApplyAsync("SMSC", receipts, replies, ignored, ct);
    }

    private bool Enter(Guid tenantId, string? token, string provider)
    {
        if (!tokens.IsValid(tenantId, token))
        {
            logger.LogWarning("{Provider} callback with a wrong secret for tenant {TenantId}: refused", provider, tenantId);
            return false;
        }

        db.Tenant.Set(tenantId);
        actor.Name = $"{provider} callback";
        return true;
    }

    private async Task<ProviderCallbackResult> ApplyAsync(string provider, List<SmsReceipt> receipts, List<InboundInput> replies, int ignored,
        CancellationToken ct)
    {
        var matched = await statuses.ApplyManyAsync(receipts, ct);
        var unknown = receipts.Count(r => !matched.Contains(r.ProviderMessageId));
        if (unknown > 0) logger.LogInformation("{Provider} callback: {Count} receipts for messages that are not ours", provider, unknown);
        var received = 0;
        foreach (var reply in replies)
        {
            var result = await inbound.ReceiveAsync(reply, ct);
            if (!result.IsValid)
            {
                ignored++;
                continue;
            }

            received++;
            var m = result.Message!;
            await audit.WriteAsync(result.Duplicate ? AuditActions.Read : AuditActions.Create, "sms_inbound", m.Id.ToString(),
                $"{provider} callback; kind={m.Kind}; contact={m.ContactId}{(result.Duplicate ? "; repeated, not processed again" : "")}", ct);
        }

        return new ProviderCallbackResult(receipts.Count - unknown, unknown, received, ignored);
    }

    private static string Id(string provider, string id) => $"{provider}:{id.Trim()}";

    private static int? Int(string? s) => int.TryParse(s?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : null;

    private static long? Long(string? s) => long.TryParse(s?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : null;

    /// <summary>Unix seconds as the providers send them; a missing or absurd value is "now" (a receipt must not be dated in the future).</summary>
    private DateTimeOffset UnixTime(string? s)
    {
        var now = clock.GetUtcNow();
        return Long(s) is { } seconds && seconds > 946_684_800 && DateTimeOffset.FromUnixTimeSeconds(seconds) is var at && at <= now ? at : now;
    }
}
