using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Hygiene;

/// <summary>A job's latest runs, newest first, with what each changed (by kind).</summary>
public sealed record JobRunsView(string JobId, string Description, IReadOnlyList<JobRunView> Runs);

public sealed record JobRunView(DateTimeOffset StartedAt, long? DurationMs, string Status, int Changed, IReadOnlyDictionary<string, int> Details, string? Error);

/// <summary>A number excluded for failed deliveries, awaiting review.</summary>
public sealed record FailedNumberView(Guid ContactId, string MaskedPhone, DateTimeOffset? Since);

/// <summary>The base-health panel: the latest month's shares, up to 12 months of trend, and who answers for the base.</summary>
public sealed record BaseHealthView(BaseHealthSnapshot? Current, IReadOnlyList<BaseHealthSnapshot> Trend, string? Responsible);

public sealed record HygieneOverviewView(IReadOnlyList<JobRunsView> Jobs, IReadOnlyList<FailedNumberView> FailedNumbers, BaseHealthView Health);

/// <summary>The Hygiene page's one service: job runs, the failed-deliveries review with its restore, base health and its responsible person.</summary>
public sealed class HygieneOverview(PhoneCrmDbContext db, TenantJobRunner runner, PiiProtector pii, AuditLog audit, TimeProvider clock)
{
    public const int RunsPerJob = 5;
    public const int ReviewLimit = 200;

    public async Task<HygieneOverviewView> GetAsync(CancellationToken ct = default)
    {
        var jobs = await JobsAsync(ct);
        var failed = await db.Contacts.AsNoTracking()
            .Where(c => c.Status == ContactStatus.Unreachable && c.StatusReason == ContactStatusReasons.FailedDeliveries)
            .OrderByDescending(c => c.StatusChangedAt).Take(ReviewLimit)
            .Select(c => new { c.Id, c.PhoneCipher, c.StatusChangedAt }).ToListAsync(ct);
        var numbers = failed.Select(c => new FailedNumberView(c.Id, PhoneMasking.Mask(pii.Decrypt(c.PhoneCipher, db.Tenant.RequireTenant(), ContactService.PhoneContext) ?? ""),
            c.StatusChangedAt)).ToList();

        return new HygieneOverviewView(jobs, numbers, await HealthAsync(ct));
    }

    /// <summary>
    /// The tenant's recurring jobs with their latest runs (row-level security keeps them to this tenant): what a tenant
    /// SystemOperator sees instead of the platform's job dashboard — no customer data in it.
    /// </summary>
    public async Task<IReadOnlyList<JobRunsView>> JobsAsync(CancellationToken ct = default)
    {
        var jobs = new List<JobRunsView>();
        foreach (var definition in runner.Definitions.Where(d => d.TenantJob is not null))
        {
            var runs = await db.JobRuns.AsNoTracking().Where(r => r.JobId == definition.Id)
                .OrderByDescending(r => r.StartedAt).Take(RunsPerJob).ToListAsync(ct);
            jobs.Add(new JobRunsView(definition.Id, definition.Description, [.. runs.Select(r => new JobRunView(r.StartedAt, r.DurationMs, r.Status,
                r.Changed, JsonSerializer.Deserialize<Dictionary<string, int>>(r.Details) ?? [], r.Error))]));
        }
        return jobs;
    }

    /// <summary>Base health alone (the page's panel and the dashboard's card).</summary>
    public async Task<BaseHealthView> HealthAsync(CancellationToken ct = default)
    {
        var from = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddMonths(-11);
        var trend = await db.BaseHealthSnapshots.AsNoTracking().Where(s => s.Month >= new DateOnly(from.Year, from.Month, 1))
            .OrderBy(s => s.Month).ToListAsync(ct);
        var tenantId = db.Tenant.RequireTenant();
        var responsible = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.HygieneResponsible).SingleAsync(ct);
        return new BaseHealthView(trend.LastOrDefault(), trend, responsible);
    }

    /// <summary>Each scheduled job's latest run (the dashboard: «what each job changed last»).</summary>
    public async Task<IReadOnlyList<JobRun>> LastRunsAsync(CancellationToken ct = default) =>
        await db.JobRuns.FromSqlRaw("SELECT DISTINCT ON (job_id) * FROM job_runs ORDER BY job_id, started_at DESC")
            .AsNoTracking().OrderBy(r => r.JobId).ToListAsync(ct);

    /// <summary>One click on the review list: the number is reachable again (failures before now no longer count). Audited.</summary>
    public async Task<bool> RestoreAsync(Guid contactId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var restored = await db.Contacts
            .Where(c => c.Id == contactId && c.Status == ContactStatus.Unreachable && c.StatusReason == ContactStatusReasons.FailedDeliveries)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ContactStatus.Active).SetProperty(c => c.StatusReason, (string?)null)
                .SetProperty(c => c.StatusChangedAt, now).SetProperty(c => c.UpdatedAt, now), ct);
        if (restored == 0) return false;
        await audit.WriteAsync("contact.restored", "contact", contactId.ToString(), "failedDeliveries reviewed", ct);
        return true;
    }

    /// <summary>The Admin names the person answerable for the base (PRODUCT.md §2.6); empty clears it.</summary>
    public async Task SetResponsibleAsync(string? name, CancellationToken ct = default)
    {
        var value = string.IsNullOrWhiteSpace(name) ? null : name.Trim()[..Math.Min(name.Trim().Length, 200)];
        var tenantId = db.Tenant.RequireTenant();
        await db.Tenants.Where(t => t.Id == tenantId).ExecuteUpdateAsync(s => s.SetProperty(t => t.HygieneResponsible, value), ct);
        await audit.WriteAsync("hygiene.responsible", "tenant", tenantId.ToString(), value, ct);
    }
}
