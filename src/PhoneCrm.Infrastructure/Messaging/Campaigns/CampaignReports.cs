using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Segments;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

public sealed record CampaignStats(
    long Audience, long Sent, long Deferred, IReadOnlyDictionary<string, long> Skipped, long Delivered, long Failed,
    long Clicks, long OptOuts, decimal Cost, decimal Revenue, decimal? Roi, long Pending);

public sealed record VariantStats(string Variant, long Sent, long Clicks);

/// <param name="Phone">E.164 for a reader with personal access, masked otherwise.</param>
/// <param name="Name">First and last name for a reader who may see personal data; null otherwise.</param>
public sealed record RecipientRow(Guid ContactId, string Phone, string Outcome, string? Reason, Guid? MessageId, string? Variant,
    DateTimeOffset? DeferredUntil, string? Name = null);

/// <summary>What a campaign would do (preview) and what it did: stats, A/B variant stats, recipients. Reads only.</summary>
public sealed class CampaignReports(PhoneCrmDbContext db, SegmentService segments, SendPolicyService policy, PiiProtector protector)
{
    /// <summary>Before sending: the segment's size and how many the policy would send now (or later: deferred).</summary>
    public async Task<(long Audience, long Eligible, long Deferred, Dictionary<string, long> Skipped)> PreviewAsync(
        Guid segmentId, string purpose, string category, int limit, CancellationToken ct = default)
    {
        var audience = await segments.CountByIdAsync(segmentId, ct) ?? 0;
        var segment = await segments.GetAsync(segmentId, ct);
        var skipped = SendReasons.Skips.ToDictionary(r => r, _ => 0L);
        if (segment is null) return (0, 0, 0, skipped);
        using var doc = JsonDocument.Parse(segment.Rule);
        var node = SegmentService.Validate(doc.RootElement, out _)!;
        var ids = await segments.SampleAsync(node, segment.ExcludeSegmentIds, limit, Contacts.ContactScope.Full, ct);
        var decisions = await policy.DecideAsync(new SendIntent(purpose, category, SmsKinds.Campaign), ids, null, ct);
        long eligible = 0, deferred = 0;
        foreach (var d in decisions.Values)
        {
            if (d.Outcome == SendOutcome.Send) eligible++;
            else if (d.Outcome == SendOutcome.Defer) deferred++;
            else skipped[d.Reason!]++;
        }

        // A sample beyond the limit is scaled to the audience.
        if (ids.Count > 0 && audience > ids.Count)
        {
            var f = (double)audience / ids.Count;
            eligible = (long)Math.Round(eligible * f);
            deferred = (long)Math.Round(deferred * f);
            foreach (var k in skipped.Keys.ToList()) skipped[k] = (long)Math.Round(skipped[k] * f);
        }

        return (audience, eligible, deferred, skipped);
    }

    public async Task<CampaignStats> StatsAsync(Campaign c, CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var cmd = new NpgsqlCommand("""
                SELECT count(*),
                  count(*) FILTER (WHERE r.outcome = 'sent'),
                  count(*) FILTER (WHERE r.outcome = 'deferred'),
                  count(*) FILTER (WHERE r.outcome = 'skipped' AND r.reason = 'noConsent'),
                  count(*) FILTER (WHERE r.outcome = 'skipped' AND r.reason = 'suppressed'),
                  count(*) FILTER (WHERE r.outcome = 'skipped' AND r.reason = 'frequencyCap'),
                  count(*) FILTER (WHERE r.outcome = 'skipped' AND r.reason = 'invalidPhone'),
                  count(*) FILTER (WHERE r.outcome = 'skipped' AND r.reason = 'erased'),
                  count(*) FILTER (WHERE r.outcome IN ('pending','held')),
                  (SELECT count(*) FILTER (WHERE m.status IN ('delivered','read')) FROM sms_messages m WHERE m.campaign_id = @c AND m.kind = 'campaign'),
                  (SELECT count(*) FILTER (WHERE m.status IN ('failed','undelivered','expired','rejected')) FROM sms_messages m WHERE m.campaign_id = @c AND m.kind = 'campaign'),
                  (SELECT coalesce(sum(m.cost), 0) FROM sms_messages m WHERE m.campaign_id = @c AND m.kind = 'campaign' AND m.status <> 'failed'),
                  (SELECT count(DISTINCT l.contact_id) FROM short_links l WHERE l.owner_tenant_id = @t AND l.campaign_id = @c AND l.clicks > 0
                     AND l.url <> @preferences),
                  (SELECT count(*) FROM campaign_recipients r2 JOIN consent_states s ON s.tenant_id = r2.tenant_id AND s.contact_id = r2.contact_id
                     AND s.purpose = 'marketing' AND s.channel = 'sms' AND s.status = 'withdrawn' AND s.withdrawn_at >= @started
                   WHERE r2.campaign_id = @c AND r2.outcome = 'sent'),
                  (SELECT coalesce(sum(e.amount), 0) FROM campaign_recipients r3 JOIN contact_events e ON e.tenant_id = r3.tenant_id
                     AND e.contact_id = r3.contact_id AND e.type = 'order_placed' AND e.occurred_at >= @started AND e.occurred_at < @started + interval '7 days'
                   WHERE r3.campaign_id = @c AND r3.outcome = 'sent'),
                  count(*) FILTER (WHERE r.outcome = 'skipped' AND r.reason = 'unengaged')
                FROM campaign_recipients r WHERE r.campaign_id = @c
                """, conn);
            cmd.Parameters.Add(new NpgsqlParameter("c", c.Id));
            cmd.Parameters.Add(new NpgsqlParameter("t", c.TenantId));
            cmd.Parameters.Add(new NpgsqlParameter("preferences", ShortLinks.PreferencesUrl));
            cmd.Parameters.Add(new NpgsqlParameter("started", NpgsqlDbType.TimestampTz) { Value = c.StartedAt ?? c.CreatedAt });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var skipped = new Dictionary<string, long>
            {
                [SendReasons.NoConsent] = r.GetInt64(3),
                [SendReasons.Suppressed] = r.GetInt64(4),
                [SendReasons.FrequencyCap] = r.GetInt64(5),
                [SendReasons.InvalidPhone] = r.GetInt64(6),
                [SendReasons.Erased] = r.GetInt64(7),
                [SendReasons.Unengaged] = r.GetInt64(15),
            };
            var cost = r.GetDecimal(11);
            var revenue = r.GetDecimal(14);
            decimal? roi = cost > 0 ? Math.Round((revenue - cost) / cost, 4) : null;
            return new CampaignStats(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), skipped, r.GetInt64(9), r.GetInt64(10), r.GetInt64(12),
                r.GetInt64(13), cost, revenue, roi, r.GetInt64(8));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public async Task<List<VariantStats>> VariantStatsAsync(Guid campaignId, CancellationToken ct = default)
    {
        var tenantId = db.Tenant.RequireTenant();
        var sent = await db.CampaignRecipients.AsNoTracking()
            .Where(r => r.CampaignId == campaignId && r.Outcome == RecipientOutcome.Sent && r.Variant != null)
            .GroupBy(r => r.Variant!).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var clicks = await db.ShortLinks.AsNoTracking()
            .Where(l => l.OwnerTenantId == tenantId && l.CampaignId == campaignId && l.Clicks > 0 && l.Variant != null
                        && l.Url != ShortLinks.PreferencesUrl)
            .GroupBy(l => l.Variant!).Select(g => new { g.Key, Count = g.Select(l => l.ContactId).Distinct().LongCount() }).ToListAsync(ct);
        return [.. new[] { CampaignVariants.A, CampaignVariants.B }.Select(v => new VariantStats(v,
            sent.FirstOrDefault(s => s.Key == v)?.Count ?? 0, clicks.FirstOrDefault(s => s.Key == v)?.Count ?? 0))];
    }

    /// <summary>Recipients in contact-id order after <paramref name="after"/>; the caller decrypts and audits the phones.</summary>
    public async Task<List<RecipientRow>> RecipientsAsync(Guid campaignId, string? outcome, Guid? after, int limit, bool personal,
        CancellationToken ct = default)
    {
        var q = db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == campaignId);
        if (outcome is not null) q = q.Where(r => r.Outcome == outcome);
        if (after is { } a) q = q.Where(r => r.ContactId.CompareTo(a) > 0);
        var rows = await q.Join(db.Contacts, r => new { r.TenantId, r.ContactId }, c => new { c.TenantId, ContactId = c.Id },
                (r, c) => new { r.ContactId, c.PhoneCipher, c.FirstNameCipher, c.LastNameCipher, r.Outcome, r.Reason, r.MessageId, r.Variant, r.DeferredUntil })
            .OrderBy(x => x.ContactId).Take(limit)
            .ToListAsync(ct);
        return rows.Select(x =>
        {
            var e164 = protector.Decrypt(x.PhoneCipher, ContactService.PhoneContext)!;
            var name = personal
                ? string.Join(' ', new[] { protector.Decrypt(x.FirstNameCipher, ContactService.FirstNameContext),
                    protector.Decrypt(x.LastNameCipher, ContactService.LastNameContext) }.Where(n => !string.IsNullOrWhiteSpace(n)))
                : null;
            return new RecipientRow(x.ContactId, personal ? e164 : PhoneMasking.Mask(e164), x.Outcome, x.Reason, x.MessageId, x.Variant,
                x.DeferredUntil, string.IsNullOrEmpty(name) ? null : name);
        }).ToList();
    }
}
