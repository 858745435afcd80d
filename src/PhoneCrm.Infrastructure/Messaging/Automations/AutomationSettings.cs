using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging.Campaigns;

namespace PhoneCrm.Infrastructure.Messaging.Automations;

public sealed record AutomationInput(bool Enabled, string? Text, string? FollowUpText, int? DelayMinutes, string? Category, string? PromoCode);

/// <summary>The tenant's automations: every built-in kind, stored on first save, defaults until then.</summary>
public sealed class AutomationSettings(PhoneCrmDbContext db, ShortLinks links, TimeProvider clock)
{
    public const int MaxDelayMinutes = 60 * 24 * 365;

    public async Task<IReadOnlyList<Automation>> ListAsync(CancellationToken ct)
    {
        var stored = await db.Automations.AsNoTracking().ToDictionaryAsync(a => a.Kind, ct);
        return AutomationKind.All.Select(k => stored.GetValueOrDefault(k.Code) ?? Automation.Default(k)).ToList();
    }

    public async Task<Automation?> GetAsync(string kind, CancellationToken ct) =>
        AutomationKind.Find(kind) is { } k ? await db.Automations.AsNoTracking().SingleOrDefaultAsync(a => a.Kind == k.Code, ct) ?? Automation.Default(k) : null;

    /// <summary>Validates (<see cref="AutomationInputValidator"/>) and stores. Unknown kind → null result and no errors.</summary>
    public async Task<(Automation? Saved, ValidationErrors Errors)> SaveAsync(string kindCode, AutomationInput input, CancellationToken ct)
    {
        if (AutomationKind.Find(kindCode) is not { } kind) return (null, new ValidationErrors());
        var errors = (kind.IsMarketing ? AutomationInputValidator.Marketing : AutomationInputValidator.Service).Check(input);
        // The same wall as a campaign's text: a link outside the allowed domains is refused when written, not found when sent.
        if (!errors.Has("text") && await links.DisallowedHostAsync(input.Text, ct) is { } host) errors.Add("text", PublicSafety.HostNotAllowed(host));
        if (!errors.Has("followUpText") && await links.DisallowedHostAsync(input.FollowUpText, ct) is { } followUpHost)
            errors.Add("followUpText", PublicSafety.HostNotAllowed(followUpHost));
        if (!errors.IsValid) return (null, errors);

        var text = input.Text!.Trim();
        var followUp = string.IsNullOrWhiteSpace(input.FollowUpText) ? null : input.FollowUpText.Trim();
        var delay = input.DelayMinutes ?? (int)kind.DefaultDelay.TotalMinutes;
        var row = await db.Automations.SingleOrDefaultAsync(a => a.Kind == kind.Code, ct);
        if (row is null)
        {
            row = Automation.Default(kind);
            db.Automations.Add(row);
        }

        row.Enabled = input.Enabled;
        row.Text = text;
        row.FollowUpText = kind.DefaultFollowUpText is null ? null : followUp;
        row.DelayMinutes = delay;
        row.Category = string.IsNullOrWhiteSpace(input.Category) ? null : input.Category.Trim();
        row.PromoCode = string.IsNullOrWhiteSpace(input.PromoCode) ? null : input.PromoCode.Trim();
        row.UpdatedAt = clock.GetUtcNow();
        if (kind.Code == AutomationKind.Birthday)
        {
            // A birthday automation switched on (or edited) scans today's birthdays again on the next pass.
            await db.AutomationCursors.ExecuteUpdateAsync(c => c.SetProperty(x => x.BirthdaysScheduledFor, (DateOnly?)null), ct);
        }

        await db.SaveChangesAsync(ct);
        return (row, errors);
    }

    /// <summary>The latest runs, for the automation page's log.</summary>
    public Task<List<AutomationRun>> RecentRunsAsync(string? kind, int limit, CancellationToken ct) =>
        db.AutomationRuns.AsNoTracking().Where(r => kind == null || r.Kind == kind)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(limit).ToListAsync(ct);

    public async Task<Dictionary<string, Dictionary<string, int>>> RunCountsAsync(CancellationToken ct) =>
        (await db.AutomationRuns.AsNoTracking().GroupBy(r => new { r.Kind, r.Status })
            .Select(g => new { g.Key.Kind, g.Key.Status, Count = g.Count() }).ToListAsync(ct))
        .GroupBy(x => x.Kind).ToDictionary(g => g.Key, g => g.ToDictionary(x => x.Status, x => x.Count));
}
