using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Messaging.Automations;

public sealed record AutomationInput(bool Enabled, string? Text, string? FollowUpText, int? DelayMinutes, string? Category, string? PromoCode);

/// <summary>The tenant's automations: every built-in kind, stored on first save, defaults until then.</summary>
public sealed class AutomationSettings(PhoneCrmDbContext db, TimeProvider clock)
{
    public const int TextMax = 1000;
    public const int MaxDelayMinutes = 60 * 24 * 365;

    public async Task<IReadOnlyList<Automation>> ListAsync(CancellationToken ct)
    {
        var stored = await db.Automations.AsNoTracking().ToDictionaryAsync(a => a.Kind, ct);
        return AutomationKind.All.Select(k => stored.GetValueOrDefault(k.Code) ?? Automation.Default(k)).ToList();
    }

    public async Task<Automation?> GetAsync(string kind, CancellationToken ct) =>
        AutomationKind.Find(kind) is { } k ? await db.Automations.AsNoTracking().SingleOrDefaultAsync(a => a.Kind == k.Code, ct) ?? Automation.Default(k) : null;

    /// <summary>Validates and stores; errors are keyed by field. Unknown kind → null result and no errors.</summary>
    public async Task<(Automation? Saved, Dictionary<string, string> Errors)> SaveAsync(string kindCode, AutomationInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (AutomationKind.Find(kindCode) is not { } kind) return (null, errors);

        var text = input.Text?.Trim() ?? "";
        var followUp = string.IsNullOrWhiteSpace(input.FollowUpText) ? null : input.FollowUpText.Trim();
        if (text.Length == 0) errors["text"] = "Enter the message text.";
        else if (text.Length > TextMax) errors["text"] = $"At most {TextMax} characters.";
        else if (kind.IsMarketing && !OptOutRule.HasOptOutInstruction(text))
            errors["text"] = "A marketing message must say how to opt out (for example «Отписка: СТОП»).";
        if (followUp is { Length: > TextMax }) errors["followUpText"] = $"At most {TextMax} characters.";
        else if (followUp is not null && kind.IsMarketing && !OptOutRule.HasOptOutInstruction(followUp))
            errors["followUpText"] = "A marketing message must say how to opt out (for example «Отписка: СТОП»).";
        var delay = input.DelayMinutes ?? (int)kind.DefaultDelay.TotalMinutes;
        if (delay is < 0 or > MaxDelayMinutes) errors["delayMinutes"] = "The delay must be between 0 minutes and one year.";
        if (input.Category is { Length: > 100 }) errors["category"] = "At most 100 characters.";
        if (input.PromoCode is { Length: > 50 }) errors["promoCode"] = "At most 50 characters.";
        if (errors.Count > 0) return (null, errors);

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
