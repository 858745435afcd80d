using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>The operator as a notice to Roskomnadzor names it.</summary>
public sealed record OperatorDetails(string Name, string Address);

/// <summary>Everything a printed notice needs: the incident, the operator, and when the draft was made.</summary>
public sealed record BreachNoticeDraft(BreachIncident Incident, BreachNotice Notice, OperatorDetails Operator, DateTimeOffset PreparedAt);

/// <summary>An open incident on the dashboard: its number and the clock that runs out first.</summary>
public sealed record BreachReminder(Guid Id, string Number, BreachClock Clock);

/// <summary>
/// The breach register (152-FZ Art. 21 p.3.1): record and amend incidents, mark the notices to Roskomnadzor sent, draft
/// them for print, and remind of the clocks. No personal data of subjects is kept here, only counts and categories.
/// </summary>
public sealed class BreachRegister(PhoneCrmDbContext db, AuditLog audit, AuditActor actor, OperatorSettings operators, TimeProvider clock)
{
    private const string Entity = "breach_incident";

    public async Task<IReadOnlyList<BreachIncident>> ListAsync(CancellationToken ct = default) =>
        await db.BreachIncidents.AsNoTracking().OrderByDescending(i => i.DetectedAt).ThenByDescending(i => i.Id).ToListAsync(ct);

    public Task<BreachIncident?> GetAsync(Guid id, CancellationToken ct = default) =>
        db.BreachIncidents.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);

    /// <summary>Open incidents, the most urgent clock first.</summary>
    public async Task<IReadOnlyList<BreachReminder>> RemindersAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var open = await db.BreachIncidents.AsNoTracking()
            .Where(i => i.InitialNoticeSentAt == null || i.ResultsNoticeSentAt == null).ToListAsync(ct);
        return [.. open.Select(i => new BreachReminder(i.Id, i.Number, i.NextClock(now)!.Value)).OrderBy(r => r.Clock.DueAt)];
    }

    /// <summary>Records a new incident (<paramref name="id"/> null) or amends one; on refusal nothing is saved.</summary>
    public async Task<(BreachIncident? Saved, ValidationErrors Errors)> SaveAsync(Guid? id, BreachInput input, string channel,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = clock.GetUtcNow();
        var errors = new BreachInputValidator(now).Check(input);
        BreachIncident? incident = null;
        if (id is { } existing && (incident = await db.BreachIncidents.SingleOrDefaultAsync(i => i.Id == existing, ct)) is null)
            return (null, ValidationErrors.Of("id", "Not found."));
        if (!errors.IsValid) return (null, errors);

        if (incident is null)
        {
            incident = new BreachIncident
            {
                Number = await NextNumberAsync(input.DetectedAt!.Value, ct), Description = "", Measures = "", ContactPerson = "",
                RecordedBy = actor.Name, RecordedAt = now,
            };
            db.BreachIncidents.Add(incident);
        }

        incident.Description = input.Description!.Trim();
        incident.DetectedAt = input.DetectedAt!.Value.ToUniversalTime();
        incident.OccurredAt = input.OccurredAt?.ToUniversalTime();
        incident.Categories = [.. BreachTerms.DataCategories.Where(input.Categories!.Contains)];
        incident.SubjectsAffected = input.SubjectsAffected!.Value;
        incident.PresumedCause = Blank(input.PresumedCause);
        incident.Harm = Blank(input.Harm);
        incident.Measures = input.Measures!.Trim();
        incident.ContactPerson = input.ContactPerson!.Trim();
        incident.InvestigationResults = Blank(input.InvestigationResults);
        incident.Culprits = Blank(input.Culprits);
        incident.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(id is null ? AuditActions.Create : AuditActions.Update, Entity, incident.Id.ToString(),
            $"number={incident.Number};channel={channel}", ct);
        return (incident, errors);
    }

    /// <summary>The officer marks a notice sent, at the time given or now. A later mark replaces an earlier one (a typo is corrected).</summary>
    public async Task<(BreachIncident? Saved, ValidationErrors Errors)> MarkSentAsync(Guid id, BreachNotice notice, DateTimeOffset? sentAt,
        string channel, CancellationToken ct = default)
    {
        var incident = await db.BreachIncidents.SingleOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null) return (null, ValidationErrors.Of("id", "Not found."));
        var now = clock.GetUtcNow();
        var at = (sentAt ?? now).ToUniversalTime();
        if (at > now + TimeSpan.FromMinutes(5)) return (null, ValidationErrors.Of("sentAt", BreachInputValidator.InFuture));
        if (at < incident.DetectedAt) return (null, ValidationErrors.Of("sentAt", "A notice cannot be sent before the incident was detected."));
        if (notice == BreachNotice.Initial) incident.InitialNoticeSentAt = at;
        else incident.ResultsNoticeSentAt = at;
        incident.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.Update, Entity, incident.Id.ToString(),
            $"number={incident.Number};notice={notice.ToString().ToLowerInvariant()};sentAt={at:O};channel={channel}", ct);
        return (incident, new ValidationErrors());
    }

    public async Task<BreachNoticeDraft?> DraftAsync(Guid id, BreachNotice notice, CancellationToken ct = default)
    {
        var incident = await GetAsync(id, ct);
        return incident is null ? null : new BreachNoticeDraft(incident, notice, await operators.CurrentAsync(ct), clock.GetUtcNow());
    }

    private async Task<string> NextNumberAsync(DateTimeOffset detectedAt, CancellationToken ct)
    {
        var year = detectedAt.UtcDateTime.Year;
        var prefix = BreachClocks.NumberPrefix(year);
        var taken = await db.BreachIncidents.CountAsync(i => i.Number.StartsWith(prefix), ct);
        return BreachClocks.Number(year, taken + 1);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
