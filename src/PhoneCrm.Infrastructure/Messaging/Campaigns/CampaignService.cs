using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Segments;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

public sealed class CampaignInput
{
    public string? Name { get; set; }
    public Guid? SegmentId { get; set; }
    public string? Purpose { get; set; }
    public string? Category { get; set; }
    public string? Text { get; set; }
    public DateTimeOffset? SendAt { get; set; }
    public AbTestInput? AbTest { get; set; }
    /// <summary>Extension: messages per minute.</summary>
    public int? ThrottlePerMinute { get; set; }
}

public sealed class AbTestInput
{
    public string? VariantB { get; set; }
    public int? TestPercent { get; set; }
    public int? DecideAfterMinutes { get; set; }
}

public sealed record CampaignStats(
    long Audience, long Sent, long Deferred, IReadOnlyDictionary<string, long> Skipped, long Delivered, long Failed,
    long Clicks, long OptOuts, decimal Cost, decimal Revenue, decimal? Roi, long Pending);

public sealed record VariantStats(string Variant, long Sent, long Clicks);

public sealed record RecipientRow(Guid ContactId, byte[] PhoneCipher, string Outcome, string? Reason, Guid? MessageId, string? Variant,
    DateTimeOffset? DeferredUntil);

public enum CampaignCommandResult
{
    Ok,
    NotFound,
    Conflict,
}

/// <summary>
/// Campaigns: validation, start (planning is a job), controls, stats and recipients. Planning snapshots the segment
/// into <c>campaign_recipients</c> with the policy's decision for every recipient and writes the batch outbox; the
/// policy decides again per batch at send time (<see cref="CampaignDispatcher"/>), so a consent withdrawn or a cap
/// reached since planning still stops the message.
/// </summary>
public sealed class CampaignService(
    PhoneCrmDbContext db,
    SegmentService segments,
    ConsentPurposes purposes,
    SendPolicyService policy,
    IBackgroundJobClient jobs,
    IConfiguration config,
    TimeProvider clock)
{
    public const int NameMax = 200;
    public const int TextMax = 1000;

    public int BatchSize => Math.Max(1, config.GetValue("Campaigns:BatchSize", 1000));

    public async Task<(Campaign? Campaign, Dictionary<string, string[]> Errors)> CreateAsync(CampaignInput? input, Guid? userId, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (input is null) return (null, new() { ["body"] = ["A JSON body is required."] });
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors["name"] = ["Name is required."];
        else if (name.Length > NameMax) errors["name"] = [$"At most {NameMax} characters."];

        if (input.SegmentId is not { } segmentId || await segments.GetAsync(segmentId, ct) is null)
            errors["segmentId"] = ["An existing segment is required."];

        var purpose = input.Purpose?.Trim();
        if (string.IsNullOrEmpty(purpose) || await purposes.FindAsync(purpose, ct) is null) errors["purpose"] = ["A known consent purpose is required."];

        var category = purpose == "transactional" ? SmsCategories.Transactional : input.Category?.Trim() ?? SmsCategories.Promotional;
        if (purpose != "transactional" && category is not (SmsCategories.Promotional or SmsCategories.Informational))
            errors["category"] = ["promotional or informational."];
        var marketing = category != SmsCategories.Transactional;

        CheckText(input.Text, "text", marketing, errors);
        if (input.AbTest is { } ab)
        {
            CheckText(ab.VariantB, "abTest.variantB", marketing, errors);
            if (ab.TestPercent is not (>= 1 and <= 50)) errors["abTest.testPercent"] = ["A whole number from 1 to 50."];
            if (ab.DecideAfterMinutes is not (>= 1 and <= 10080)) errors["abTest.decideAfterMinutes"] = ["From 1 to 10080 minutes."];
        }

        if (input.ThrottlePerMinute is { } t && t is < 1 or > 1_000_000) errors["throttlePerMinute"] = ["From 1 to 1000000."];
        if (errors.Count > 0) return (null, errors);

        var now = clock.GetUtcNow();
        var text = input.Text!;
        var campaign = new Campaign
        {
            Name = name!,
            SegmentId = input.SegmentId!.Value,
            Purpose = purpose!,
            Category = category,
            Text = text,
            SegmentsPerMessage = Math.Max(SmsText.Measure(text).Segments, input.AbTest?.VariantB is { } b ? SmsText.Measure(b).Segments : 0),
            SendAt = input.SendAt,
            ThrottlePerMinute = input.ThrottlePerMinute,
            VariantB = input.AbTest?.VariantB,
            TestPercent = input.AbTest?.TestPercent,
            DecideAfterMinutes = input.AbTest?.DecideAfterMinutes,
            CreatedBy = userId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        return (campaign, errors);
    }

    private static void CheckText(string? text, string key, bool marketing, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) errors[key] = ["Text is required."];
        else if (text.Length > TextMax) errors[key] = [$"At most {TextMax} characters."];
        else if (marketing && !OptOutRule.HasOptOutInstruction(text))
            errors[key] = ["A marketing text must tell how to opt out, e.g. «Отписка: СТОП»."];
    }

    public Task<Campaign?> GetAsync(Guid id, CancellationToken ct = default) =>
        db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);

    public Task<List<Campaign>> ListAsync(CancellationToken ct = default) =>
        db.Campaigns.AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(500).ToListAsync(ct);

    /// <summary>Sends now (planning job) or at <see cref="Campaign.SendAt"/> (the sweeper starts it when due).</summary>
    public async Task<CampaignCommandResult> StartAsync(Guid id, CancellationToken ct = default)
    {
        var (result, c) = await MoveAsync(id, (c, now) => c.Start(now), ct);
        if (result == CampaignCommandResult.Ok && c!.Status == CampaignStatus.Sending) CampaignJobs.EnqueuePlan(jobs, c.TenantId, c.Id);
        return result;
    }

    public async Task<CampaignCommandResult> PauseAsync(Guid id, CancellationToken ct = default) =>
        (await MoveAsync(id, (c, now) => c.Pause(now), ct)).Result;

    public async Task<CampaignCommandResult> ResumeAsync(Guid id, CancellationToken ct = default)
    {
        var (result, _) = await MoveAsync(id, (c, now) => c.Resume(now), ct);
        if (result == CampaignCommandResult.Ok)
        {
            var tenantId = db.Tenant.RequireTenant();
            var batches = await db.CampaignBatches.AsNoTracking().Where(b => b.CampaignId == id && b.DoneAt == null).Select(b => b.Batch).ToListAsync(ct);
            foreach (var b in batches) CampaignJobs.EnqueueBatch(jobs, tenantId, id, b);
            if (!await db.CampaignBatches.AnyAsync(b => b.CampaignId == id, ct)) CampaignJobs.EnqueuePlan(jobs, tenantId, id);
        }

        return result;
    }

    public async Task<CampaignCommandResult> CancelAsync(Guid id, CancellationToken ct = default)
    {
        var (result, _) = await MoveAsync(id, (c, now) => c.Cancel(now), ct);
        if (result == CampaignCommandResult.Ok)
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE campaign_recipients SET outcome = 'cancelled', updated_at = now() WHERE campaign_id = {id} AND outcome IN ('pending','held','deferred')", ct);
        }

        return result;
    }

    /// <summary>
    /// The campaign decides whether the move is legal (<see cref="Campaign"/>); the write is conditional on the status it
    /// was read in, so of two concurrent moves (a pause racing the last batch's completion) one is refused, never lost.
    /// </summary>
    private async Task<(CampaignCommandResult Result, Campaign? Campaign)> MoveAsync(Guid id, Func<Campaign, DateTimeOffset, bool> move,
        CancellationToken ct)
    {
        var c = await GetAsync(id, ct);
        if (c is null) return (CampaignCommandResult.NotFound, null);
        var was = c.Status;
        if (!move(c, clock.GetUtcNow())) return (CampaignCommandResult.Conflict, c);
        var written = await db.Campaigns.Where(x => x.Id == id && x.Status == was).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Status, c.Status).SetProperty(x => x.UpdatedAt, c.UpdatedAt)
            .SetProperty(x => x.StartedAt, c.StartedAt).SetProperty(x => x.CompletedAt, c.CompletedAt), ct);
        return (written == 1 ? CampaignCommandResult.Ok : CampaignCommandResult.Conflict, c);
    }

    private const int PlanInsertChunk = 10_000;

    /// <summary>
    /// Snapshots the segment into the recipients outbox with the policy's decision for every recipient (skip and
    /// defer reasons recorded now; the dispatcher decides again at send time for those still pending), numbers the
    /// sendable ones into batches and writes the batches, in one transaction; idempotent (a second run after a crash
    /// finds the batches). A/B: the test share gets variants a/b, the rest is held (decided when released).
    /// Returns the batch numbers to enqueue.
    /// </summary>
    public async Task<IReadOnlyList<int>> PlanAsync(Guid id, CancellationToken ct = default)
    {
        var c = await GetAsync(id, ct);
        if (c is null || c.Status != CampaignStatus.Sending) return [];
        if (await db.CampaignBatches.AnyAsync(b => b.CampaignId == id, ct)) return await UndoneBatchesAsync(id, ct);
        var size = BatchSize;
        var perBatch = c.ThrottlePerMinute is { } t ? Math.Min(size, t) : size;

        var audience = await AudienceAsync(c, ct);
        var intent = new SendIntent(c.Purpose, c.Category, SmsKinds.Campaign);
        // One policy call for the whole audience: its facts are one set-based join (chunks would each scan the tenant's
        // contacts and consents again), streamed into the decisions.
        var decisions = await policy.DecideAsync(intent, audience.Where(a => a.InTest).Select(a => a.ContactId).ToList(), c.Id, ct);

        var n = audience.Count;
        var outcomes = new string[n];
        var reasons = new string?[n];
        var until = new DateTimeOffset?[n];
        var variants = new string?[n];
        var batches = new int?[n];
        var sendable = 0;
        for (var i = 0; i < n; i++)
        {
            var a = audience[i];
            variants[i] = a.Variant;
            if (!a.InTest)
            {
                outcomes[i] = RecipientOutcome.Held;
                continue;
            }

            // A contact gone since the snapshot (deleted) cannot be sent to.
            var d = decisions.GetValueOrDefault(a.ContactId) ?? SendDecision.Skip(SendReasons.Erased);
            switch (d.Outcome)
            {
                case SendOutcome.Send:
                    outcomes[i] = RecipientOutcome.Pending;
                    batches[i] = sendable++ / perBatch;
                    break;
                case SendOutcome.Defer:
                    outcomes[i] = RecipientOutcome.Deferred;
                    reasons[i] = d.Reason;
                    until[i] = d.DeferredUntil;
                    break;
                default:
                    outcomes[i] = RecipientOutcome.Skipped;
                    reasons[i] = d.Reason;
                    break;
            }
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var tx = await conn.BeginTransactionAsync(ct);
            if (await Sql.ScalarAsync(conn, "SELECT 1 FROM campaign_batches WHERE campaign_id = @c LIMIT 1", ct, Sql.P("c", id)) is not null)
            {
                await tx.RollbackAsync(ct);
                return await UndoneBatchesAsync(id, ct);
            }

            for (var start = 0; start < n; start += PlanInsertChunk)
            {
                var count = Math.Min(PlanInsertChunk, n - start);
                await using var cmd = new NpgsqlCommand("""
                    INSERT INTO campaign_recipients (tenant_id, campaign_id, contact_id, outcome, reason, deferred_until, variant, batch, updated_at)
                    SELECT @tenant, @campaign, x.contact, x.outcome, x.reason, x.until, x.variant, x.batch, now()
                    FROM unnest(@contacts, @outcomes, @reasons, @until, @variants, @batches) AS x(contact, outcome, reason, until, variant, batch)
                    ON CONFLICT DO NOTHING
                    """, conn, tx);
                cmd.Parameters.Add(new NpgsqlParameter("tenant", c.TenantId));
                cmd.Parameters.Add(new NpgsqlParameter("campaign", id));
                cmd.Parameters.Add(new NpgsqlParameter("contacts", NpgsqlDbType.Array | NpgsqlDbType.Uuid)
                {
                    Value = audience.GetRange(start, count).Select(a => a.ContactId).ToArray(),
                });
                cmd.Parameters.Add(new NpgsqlParameter("outcomes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = outcomes[start..(start + count)] });
                cmd.Parameters.Add(new NpgsqlParameter("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = reasons[start..(start + count)] });
                cmd.Parameters.Add(new NpgsqlParameter("until", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
                {
                    Value = until[start..(start + count)].Select(u => u is { } v ? (object)v : DBNull.Value).ToArray(),
                });
                cmd.Parameters.Add(new NpgsqlParameter("variants", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = variants[start..(start + count)] });
                cmd.Parameters.Add(new NpgsqlParameter("batches", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = batches[start..(start + count)] });
                cmd.CommandTimeout = 600;
                await cmd.ExecuteNonQueryAsync(ct);
            }

            // At least one batch, even an empty one: its row marks the campaign as planned (the sweeper re-plans a
            // campaign without batches) and its run completes a campaign with nothing to send.
            var batchCount = Math.Max(1, (sendable + perBatch - 1) / perBatch);
            var spacing = c.ThrottlePerMinute is { } tpm ? 60.0 * perBatch / tpm : 0;
            await Sql.ExecAsync(conn, """
                INSERT INTO campaign_batches (tenant_id, campaign_id, batch, due_at, updated_at)
                SELECT @tenant, @campaign, b, now() + make_interval(secs => b * @spacing), now()
                FROM generate_series(0, @count - 1) AS b
                """, ct, Sql.P("tenant", c.TenantId), Sql.P("campaign", id), Sql.P("spacing", spacing), Sql.P("count", batchCount));
            await Sql.ExecAsync(conn, "UPDATE campaigns SET decide_at = CASE WHEN test_percent IS NOT NULL THEN now() + make_interval(mins => decide_after_minutes) END, updated_at = now() WHERE id = @campaign",
                ct, Sql.P("campaign", id));
            await tx.CommitAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return await UndoneBatchesAsync(id, ct);
    }

    private sealed record AudienceMember(Guid ContactId, bool InTest, string? Variant);

    /// <summary>
    /// The segment's members now, with its exclusions (erased contacts never match), in send order (A/B: a stable
    /// pseudo-random order, the test share first, variants alternating).
    /// </summary>
    private async Task<List<AudienceMember>> AudienceAsync(Campaign c, CancellationToken ct) =>
        await segments.ReadMembersAsync(c.SegmentId, $"""
            SELECT id, in_test, CASE WHEN NOT @ab THEN NULL WHEN NOT in_test THEN NULL WHEN rn % 2 = 1 THEN 'a' ELSE 'b' END
            FROM (
              SELECT id, rn, rn <= ceil(total * @test / 100.0) AS in_test FROM (
                SELECT m.id, row_number() OVER (ORDER BY {(c.IsAbTest ? "md5(m.id::text)" : "m.id")}) AS rn, count(*) OVER () AS total
                FROM members m
              ) y
            ) x
            ORDER BY rn
            """, [new NpgsqlParameter("ab", c.IsAbTest), new NpgsqlParameter("test", c.IsAbTest ? c.TestPercent!.Value : 100)],
            r => new AudienceMember(r.GetGuid(0), r.GetBoolean(1), r.IsDBNull(2) ? null : r.GetString(2)), ct)
        ?? throw new InvalidOperationException($"Segment {c.SegmentId} is gone.");

    public Task<List<int>> UndoneBatchesAsync(Guid id, CancellationToken ct) =>
        db.CampaignBatches.AsNoTracking().Where(b => b.CampaignId == id && b.DoneAt == null).OrderBy(b => b.Batch).Select(b => b.Batch).ToListAsync(ct);

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
                  (SELECT count(DISTINCT l.contact_id) FROM short_links l WHERE l.owner_tenant_id = @t AND l.campaign_id = @c AND l.clicks > 0),
                  (SELECT count(*) FROM campaign_recipients r2 JOIN consent_states s ON s.tenant_id = r2.tenant_id AND s.contact_id = r2.contact_id
                     AND s.purpose = 'marketing' AND s.channel = 'sms' AND s.status = 'withdrawn' AND s.withdrawn_at >= @started
                   WHERE r2.campaign_id = @c AND r2.outcome = 'sent'),
                  (SELECT coalesce(sum(e.amount), 0) FROM campaign_recipients r3 JOIN contact_events e ON e.tenant_id = r3.tenant_id
                     AND e.contact_id = r3.contact_id AND e.type = 'order_placed' AND e.occurred_at >= @started AND e.occurred_at < @started + interval '7 days'
                   WHERE r3.campaign_id = @c AND r3.outcome = 'sent')
                FROM campaign_recipients r WHERE r.campaign_id = @c
                """, conn);
            cmd.Parameters.Add(new NpgsqlParameter("c", c.Id));
            cmd.Parameters.Add(new NpgsqlParameter("t", c.TenantId));
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
            .Where(l => l.OwnerTenantId == tenantId && l.CampaignId == campaignId && l.Clicks > 0 && l.Variant != null)
            .GroupBy(l => l.Variant!).Select(g => new { g.Key, Count = g.Select(l => l.ContactId).Distinct().LongCount() }).ToListAsync(ct);
        return [.. new[] { CampaignVariants.A, CampaignVariants.B }.Select(v => new VariantStats(v,
            sent.FirstOrDefault(s => s.Key == v)?.Count ?? 0, clicks.FirstOrDefault(s => s.Key == v)?.Count ?? 0))];
    }

    /// <summary>Recipients in contact-id order after <paramref name="after"/>; the caller decrypts and audits the phones.</summary>
    public Task<List<RecipientRow>> RecipientsAsync(Guid campaignId, string? outcome, Guid? after, int limit, CancellationToken ct = default)
    {
        var q = db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == campaignId);
        if (outcome is not null) q = q.Where(r => r.Outcome == outcome);
        if (after is { } a) q = q.Where(r => r.ContactId.CompareTo(a) > 0);
        return q.Join(db.Contacts, r => new { r.TenantId, r.ContactId }, c => new { c.TenantId, ContactId = c.Id },
                (r, c) => new { r.ContactId, c.PhoneCipher, r.Outcome, r.Reason, r.MessageId, r.Variant, r.DeferredUntil })
            .OrderBy(x => x.ContactId).Take(limit)
            .Select(x => new RecipientRow(x.ContactId, x.PhoneCipher, x.Outcome, x.Reason, x.MessageId, x.Variant, x.DeferredUntil))
            .ToListAsync(ct);
    }
}
