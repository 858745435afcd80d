using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Analytics;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Analytics;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Segments;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

/// <summary>
/// A campaign's recipients by outcome (audience, sent, deferred, skipped, pending) and what its messages did (api-v1
/// "Analytics": <see cref="AnalyticsFigures"/>), judged by the tenant's thresholds (<see cref="Rates"/>).
/// </summary>
public sealed record CampaignStats(
    long Audience, long Sent, long Deferred, IReadOnlyDictionary<string, long> Skipped, long Delivered, long Failed,
    long Clicks, long OptOuts, decimal Cost, decimal Revenue, long Pending, long Read, long Conversions, long Complaints,
    CampaignRates Rates)
{
    public decimal? Roi => Rates.Roi;
}

public sealed record VariantStats(string Variant, long Sent, long Clicks);

/// <param name="Phone">E.164 for a reader with personal access, masked otherwise.</param>
/// <param name="Name">First and last name for a reader who may see personal data; null otherwise.</param>
public sealed record RecipientRow(Guid ContactId, string Phone, string Outcome, string? Reason, Guid? MessageId, string? Variant,
    DateTimeOffset? DeferredUntil, string? Name = null);

/// <summary>What a campaign would do (preview) and what it did: stats, A/B variant stats, recipients. Reads only.</summary>
public sealed class CampaignReports(PhoneCrmDbContext db, SegmentService segments, SendPolicyService policy, PiiProtector protector,
    AnalyticsFigures figures, AnalyticsSettingsStore analyticsSettings)
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
        ArgumentNullException.ThrowIfNull(c);
        var outcomes = await db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == c.Id)
            .GroupBy(r => new { r.Outcome, r.Reason }).Select(g => new { g.Key.Outcome, g.Key.Reason, Count = g.LongCount() }).ToListAsync(ct);
        long Count(Func<string, bool> outcome, string? reason = null) =>
            outcomes.Where(o => outcome(o.Outcome) && (reason is null || o.Reason == reason)).Sum(o => o.Count);
        var skipped = SendReasons.Skips.ToDictionary(r => r, r => Count(o => o == RecipientOutcome.Skipped, r));
        var measured = (await figures.CampaignsAsync([c.Id], ct)).GetValueOrDefault(c.Id.ToString(), MeasuredFigures.None);
        // Sent is the recipients the policy let through (one message each), whatever their receipts say yet.
        var counts = measured.Counts with { Sent = Count(o => o == RecipientOutcome.Sent) };
        var rates = CampaignFlags.Judge(counts, (await analyticsSettings.GetAsync(ct)).Thresholds);
        return new CampaignStats(outcomes.Sum(o => o.Count), counts.Sent, Count(o => o == RecipientOutcome.Deferred), skipped,
            counts.Delivered, measured.Failed, counts.Clicks, counts.OptOuts, counts.Cost, counts.Revenue,
            Count(o => o is RecipientOutcome.Pending or RecipientOutcome.Held), counts.Read, counts.Conversions, counts.Complaints, rates);
    }

    /// <summary>The figures of each A/B variant of a campaign ("A", "B"), judged like the campaign.</summary>
    public async Task<IReadOnlyList<(string Variant, CampaignCounts Counts, CampaignRates Rates)>> VariantFiguresAsync(Guid campaignId,
        CancellationToken ct = default)
    {
        var byVariant = await figures.VariantsAsync(campaignId, ct);
        var thresholds = (await analyticsSettings.GetAsync(ct)).Thresholds;
        return [.. new[] { CampaignVariants.A, CampaignVariants.B }.Select(v =>
        {
            var counts = byVariant.GetValueOrDefault(v, MeasuredFigures.None).Counts;
            return (v, counts, CampaignFlags.Judge(counts, thresholds));
        })];
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
        var tenantId = db.Tenant.RequireTenant();
        return rows.Select(x =>
        {
            var e164 = protector.Decrypt(x.PhoneCipher, tenantId, ContactService.PhoneContext)!;
            var name = personal
                ? string.Join(' ', new[] { protector.Decrypt(x.FirstNameCipher, tenantId, ContactService.FirstNameContext),
                    protector.Decrypt(x.LastNameCipher, tenantId, ContactService.LastNameContext) }.Where(n => !string.IsNullOrWhiteSpace(n)))
                : null;
            return new RecipientRow(x.ContactId, personal ? e164 : PhoneMasking.Mask(e164), x.Outcome, x.Reason, x.MessageId, x.Variant,
                x.DeferredUntil, string.IsNullOrEmpty(name) ? null : name);
        }).ToList();
    }
}
