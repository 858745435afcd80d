using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Validation;
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

public enum CampaignCommandResult
{
    Ok,
    NotFound,
    Conflict,
}

/// <summary>
/// Campaigns: validation, create, read, and the lifecycle moves (decided by <see cref="Campaign"/>). Starting enqueues
/// the plan through <see cref="ICampaignScheduler"/>; planning is <see cref="CampaignPlanner"/>'s, sending
/// <see cref="CampaignDispatcher"/>'s, numbers <see cref="CampaignReports"/>'.
/// </summary>
public sealed class CampaignService(
    PhoneCrmDbContext db,
    SegmentService segments,
    ConsentPurposes purposes,
    CampaignPlanner planner,
    ICampaignScheduler scheduler,
    TimeProvider clock)
{
    public async Task<(Campaign? Campaign, ValidationErrors Errors)> CreateAsync(CampaignInput? input, Guid? userId, CancellationToken ct = default)
    {
        if (input is null) return (null, ValidationErrors.Of("body", "A JSON body is required."));
        var errors = CampaignInputValidator.Instance.Check(input);
        if (!errors.Has("segmentId") && await segments.GetAsync(input.SegmentId!.Value, ct) is null)
            errors.Add("segmentId", "An existing segment is required.");
        var purpose = input.Purpose?.Trim();
        if (!errors.Has("purpose") && await purposes.FindAsync(purpose!, ct) is null) errors.Add("purpose", CampaignInputValidator.PurposeMessage);
        if (!errors.IsValid) return (null, errors);

        var name = input.Name!.Trim();
        var category = CampaignInputValidator.CategoryOf(input);
        var now = clock.GetUtcNow();
        var text = input.Text!;
        var campaign = new Campaign
        {
            Name = name,
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

    public Task<Campaign?> GetAsync(Guid id, CancellationToken ct = default) =>
        db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);

    public Task<List<Campaign>> ListAsync(CancellationToken ct = default) =>
        db.Campaigns.AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(500).ToListAsync(ct);

    /// <summary>Sends now (planning job) or at <see cref="Campaign.SendAt"/> (the sweeper starts it when due).</summary>
    public async Task<CampaignCommandResult> StartAsync(Guid id, CancellationToken ct = default)
    {
        var (result, c) = await MoveAsync(id, (c, now) => c.Start(now), ct);
        if (result == CampaignCommandResult.Ok && c!.Status == CampaignStatus.Sending) scheduler.Plan(c.TenantId, c.Id);
        return result;
    }

    public async Task<CampaignCommandResult> PauseAsync(Guid id, CancellationToken ct = default) =>
        (await MoveAsync(id, (c, now) => c.Pause(now), ct)).Result;

    public async Task<CampaignCommandResult> ResumeAsync(Guid id, CancellationToken ct = default)
    {
        var (result, _) = await MoveAsync(id, (c, now) => c.Resume(now), ct);
        if (result == CampaignCommandResult.Ok) await planner.EnqueueUndoneAsync(id, ct);

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
}
