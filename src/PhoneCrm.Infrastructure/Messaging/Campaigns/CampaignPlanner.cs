using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Segments;

namespace PhoneCrm.Infrastructure.Messaging.Campaigns;

/// <summary>
/// Who gets a campaign and in which batch: snapshots the segment into <c>campaign_recipients</c> with the policy's decision
/// for every recipient and writes the batch outbox; releases the held rest of an A/B audience to the winner; moves deferred
/// recipients whose window opened into new batches. Batches are run by <see cref="CampaignDispatcher"/>, enqueued through
/// <see cref="ICampaignScheduler"/>; the policy decides again per batch at send time, so a consent withdrawn or a cap
/// reached since planning still stops the message.
/// </summary>
public sealed class CampaignPlanner(
    PhoneCrmDbContext db,
    SegmentService segments,
    SendPolicyService policy,
    CampaignReports reports,
    ICampaignScheduler scheduler,
    IConfiguration config,
    TimeProvider clock)
{
    public int BatchSize => Math.Max(1, config.GetValue("Campaigns:BatchSize", 1000));

    private const int PlanInsertChunk = 10_000;

    /// <summary>
    /// Snapshots the segment into the recipients outbox with the policy's decision for every recipient (skip and
    /// defer reasons recorded now; the dispatcher decides again at send time for those still pending), numbers the
    /// sendable ones into batches and writes the batches, in one transaction; idempotent (a second run after a crash
    /// finds the batches). A/B: the test share gets variants a/b, the rest is held (decided when released).
    /// Enqueues the batches (each when due) and returns their numbers.
    /// </summary>
    public async Task<IReadOnlyList<int>> PlanAsync(Guid id, CancellationToken ct = default)
    {
        var batches = await SnapshotAsync(id, ct);
        await EnqueueDueAsync(id, batches, ct);
        return batches;
    }

    private async Task<IReadOnlyList<int>> SnapshotAsync(Guid id, CancellationToken ct)
    {
        var c = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
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
                cmd.Parameters.Add(Sql.ArrayOf("contacts", audience.GetRange(start, count).Select(a => a.ContactId).ToArray()));
                cmd.Parameters.Add(Sql.ArrayOf("outcomes", outcomes[start..(start + count)]));
                cmd.Parameters.Add(Sql.ArrayOf("reasons", reasons[start..(start + count)]));
                cmd.Parameters.Add(Sql.ArrayOf("until", until[start..(start + count)]));
                cmd.Parameters.Add(Sql.ArrayOf("variants", variants[start..(start + count)]));
                cmd.Parameters.Add(Sql.ArrayOf("batches", batches[start..(start + count)]));
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

    /// <summary>Winner by click-through (clicking recipients / sent; a tie keeps A); the held rest gets it in new batches.</summary>
    public async Task DecideWinnerAsync(Guid campaignId, CancellationToken ct = default)
    {
        var c = await db.Campaigns.SingleOrDefaultAsync(x => x.Id == campaignId, ct);
        if (c is null || c.Winner is not null || c.Status != CampaignStatus.Sending) return;
        var stats = await reports.VariantStatsAsync(campaignId, ct);
        static double Ctr(VariantStats s) => s.Sent == 0 ? 0 : (double)s.Clicks / s.Sent;
        var winner = Ctr(stats[1]) > Ctr(stats[0]) ? CampaignVariants.B : CampaignVariants.A;
        var perBatch = c.ThrottlePerMinute is { } t ? Math.Min(BatchSize, t) : BatchSize;
        var spacing = c.ThrottlePerMinute is { } tpm ? 60.0 * perBatch / tpm : 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE campaign_recipients r SET outcome = 'pending', variant = {winner}, batch = x.b, updated_at = now()
            FROM (SELECT contact_id, (SELECT coalesce(max(batch), -1) + 1 FROM campaign_batches WHERE campaign_id = {campaignId})
                         + ((row_number() OVER (ORDER BY contact_id) - 1) / {perBatch})::int AS b
                  FROM campaign_recipients WHERE campaign_id = {campaignId} AND outcome = 'held') x
            WHERE r.campaign_id = {campaignId} AND r.contact_id = x.contact_id AND r.outcome = 'held'
            """, ct);
        await InsertBatchesAsync(campaignId, spacing, ct);
        c.Winner = winner;
        c.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await EnqueueDueAsync(campaignId, await UndoneBatchesAsync(campaignId, ct), ct);
    }

    /// <summary>Deferred recipients whose window has opened go back to pending in new batches.</summary>
    public async Task ReplanDeferredAsync(Guid campaignId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE campaign_recipients r SET outcome = 'pending', reason = NULL, batch = x.b, updated_at = now()
            FROM (SELECT contact_id, (SELECT coalesce(max(batch), -1) + 1 FROM campaign_batches WHERE campaign_id = {campaignId})
                         + ((row_number() OVER (ORDER BY contact_id) - 1) / {BatchSize})::int AS b
                  FROM campaign_recipients WHERE campaign_id = {campaignId} AND outcome = 'deferred' AND deferred_until <= {now}) x
            WHERE r.campaign_id = {campaignId} AND r.contact_id = x.contact_id AND r.outcome = 'deferred'
            """, ct);
        if (moved == 0)
        {
            await tx.RollbackAsync(ct);
            return;
        }

        await InsertBatchesAsync(campaignId, 0, ct);
        await tx.CommitAsync(ct);
        await EnqueueUndoneAsync(campaignId, ct);
    }

    /// <summary>Batches for recipients that have a batch number but no batch row yet.</summary>
    private Task<int> InsertBatchesAsync(Guid campaignId, double spacing, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO campaign_batches (tenant_id, campaign_id, batch, due_at, updated_at)
            SELECT app_current_tenant(), {campaignId}, b, now() + make_interval(secs => (b - min(b) OVER ()) * {spacing}), now()
            FROM (SELECT DISTINCT batch AS b FROM campaign_recipients r WHERE r.campaign_id = {campaignId} AND r.batch IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM campaign_batches cb WHERE cb.campaign_id = r.campaign_id AND cb.batch = r.batch)) x
            ON CONFLICT DO NOTHING
            """, ct);

    /// <summary>Every unfinished batch now (a resumed campaign, a re-plan); a campaign never planned is planned.</summary>
    public async Task EnqueueUndoneAsync(Guid campaignId, CancellationToken ct = default)
    {
        var tenantId = db.Tenant.RequireTenant();
        foreach (var b in await UndoneBatchesAsync(campaignId, ct)) scheduler.RunBatch(tenantId, campaignId, b);
        if (!await db.CampaignBatches.AnyAsync(b => b.CampaignId == campaignId, ct)) scheduler.Plan(tenantId, campaignId);
    }

    private async Task EnqueueDueAsync(Guid campaignId, IReadOnlyList<int> batches, CancellationToken ct)
    {
        var tenantId = db.Tenant.RequireTenant();
        var due = await db.CampaignBatches.AsNoTracking().Where(b => b.CampaignId == campaignId && b.DoneAt == null && batches.Contains(b.Batch))
            .Select(b => new { b.Batch, b.DueAt }).ToListAsync(ct);
        foreach (var b in due) scheduler.RunBatch(tenantId, campaignId, b.Batch, b.DueAt);

        // A campaign whose audience is empty (or all held) may already be complete.
        await CompleteIfDoneAsync(db, campaignId, ct);
    }

    /// <summary>The set-based <see cref="CampaignMoves.Complete"/>: completed when nothing is left to send or wait for.</summary>
    public static Task<int> CompleteIfDoneAsync(PhoneCrmDbContext db, Guid campaignId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE campaigns SET status = {CampaignMoves.Complete.To}, completed_at = now(), updated_at = now()
            WHERE id = {campaignId} AND status = ANY({CampaignMoves.Complete.From.ToArray()})
              AND NOT EXISTS (SELECT 1 FROM campaign_batches b WHERE b.campaign_id = {campaignId} AND b.done_at IS NULL)
              AND NOT EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = {campaignId} AND r.outcome IN ('pending','held','deferred'))
            """, ct);
}
