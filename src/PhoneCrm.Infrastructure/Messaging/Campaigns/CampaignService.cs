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
    ShortLinks links,
    CampaignPlanner planner,
    ICampaignScheduler scheduler,
    TimeProvider clock)
{
    public async Task<(Campaign? Campaign, ValidationErrors Errors)> CreateAsync(CampaignInput? input, Guid? userId, CancellationToken ct = default)
    {
        var errors = await ValidateAsync(input, ct);
        if (!errors.IsValid) return (null, errors);

        var now = clock.GetUtcNow();
        var campaign = new Campaign { Name = "", Purpose = "", Text = "", CreatedBy = userId, CreatedAt = now };
        Apply(input!, campaign, now);
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        return (campaign, errors);
    }

    /// <summary>
    /// Rewrites a draft. The write is conditional on the campaign still being a draft, so an edit racing a start
    /// never changes the text of a campaign that is already sending (<see cref="CampaignCommandResult.Conflict"/>).
    /// </summary>
    public async Task<(CampaignCommandResult Result, ValidationErrors Errors)> UpdateDraftAsync(Guid id, CampaignInput? input, CancellationToken ct = default)
    {
        var existing = await GetAsync(id, ct);
        if (existing is null) return (CampaignCommandResult.NotFound, new ValidationErrors());
        if (existing.Status != CampaignStatus.Draft) return (CampaignCommandResult.Conflict, new ValidationErrors());
        var errors = await ValidateAsync(input, ct);
        if (!errors.IsValid) return (CampaignCommandResult.Ok, errors);

        var c = existing;
        Apply(input!, c, clock.GetUtcNow());
        var written = await db.Campaigns.Where(x => x.Id == id && x.Status == CampaignStatus.Draft).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Name, c.Name).SetProperty(x => x.SegmentId, c.SegmentId).SetProperty(x => x.Purpose, c.Purpose)
            .SetProperty(x => x.Category, c.Category).SetProperty(x => x.Text, c.Text).SetProperty(x => x.SegmentsPerMessage, c.SegmentsPerMessage)
            .SetProperty(x => x.SendAt, c.SendAt).SetProperty(x => x.ThrottlePerMinute, c.ThrottlePerMinute).SetProperty(x => x.VariantB, c.VariantB)
            .SetProperty(x => x.TestPercent, c.TestPercent).SetProperty(x => x.DecideAfterMinutes, c.DecideAfterMinutes)
            .SetProperty(x => x.UpdatedAt, c.UpdatedAt), ct);
        return (written == 1 ? CampaignCommandResult.Ok : CampaignCommandResult.Conflict, errors);
    }

    /// <summary>The validator's rules plus what needs the database or the clock: the segment exists, the purpose is known, the send time is ahead.</summary>
    private async Task<ValidationErrors> ValidateAsync(CampaignInput? input, CancellationToken ct)
    {
        if (input is null) return ValidationErrors.Of("body", "A JSON body is required.");
        var errors = CampaignInputValidator.Instance.Check(input);
        if (!errors.Has("segmentId") && await segments.GetAsync(input.SegmentId!.Value, ct) is null)
            errors.Add("segmentId", "An existing segment is required.");
        if (!errors.Has("purpose") && await purposes.FindAsync(input.Purpose!.Trim(), ct) is null) errors.Add("purpose", CampaignInputValidator.PurposeMessage);
        // A minute already begun is not "in the past" yet: the form's time has no seconds.
        if (input.SendAt is { } due && due.AddMinutes(1) <= clock.GetUtcNow()) errors.Add("sendAt", SendTimeInThePast);
        if (!errors.Has("text") && await links.DisallowedHostAsync(input.Text, ct) is { } host) errors.Add("text", PublicSafety.HostNotAllowed(host));
        if (!errors.Has("abTest.variantB") && await links.DisallowedHostAsync(input.AbTest?.VariantB, ct) is { } hostB)
            errors.Add("abTest.variantB", PublicSafety.HostNotAllowed(hostB));
        return errors;
    }

    public const string SendTimeInThePast = "The send time is in the past.";

    private static void Apply(CampaignInput input, Campaign campaign, DateTimeOffset now)
    {
        var text = input.Text!;
        campaign.Name = input.Name!.Trim();
        campaign.SegmentId = input.SegmentId!.Value;
        campaign.Purpose = input.Purpose!.Trim();
        campaign.Category = CampaignInputValidator.CategoryOf(input);
        campaign.Text = text;
        campaign.SegmentsPerMessage = Math.Max(SmsText.Measure(text).Segments, input.AbTest?.VariantB is { } b ? SmsText.Measure(b).Segments : 0);
        campaign.SendAt = input.SendAt;
        campaign.ThrottlePerMinute = input.ThrottlePerMinute;
        campaign.VariantB = input.AbTest?.VariantB;
        campaign.TestPercent = input.AbTest?.TestPercent;
        campaign.DecideAfterMinutes = input.AbTest?.DecideAfterMinutes;
        campaign.UpdatedAt = now;
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
