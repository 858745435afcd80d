using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging;

namespace PhoneCrm.Infrastructure.Dashboard;

public sealed record DashboardSummary(string TenantName, DateTimeOffset? LastSignIn);

/// <summary>A scheduled job's failed runs in the admin's window, with the latest error.</summary>
public sealed record FailedJob(string JobId, int Failures, DateTimeOffset LastFailedAt, string? LastError);

/// <summary>What an admin watches: people and keys, the SMS provider, and scheduled jobs that failed lately.</summary>
public sealed record AdminOverview(int Users, int ActiveApiKeys, string Provider, bool ProviderHasCredentials,
    IReadOnlyList<FailedJob> FailedJobs);

/// <summary>The figures of the landing page after sign-in.</summary>
public sealed class DashboardQueries(PhoneCrmDbContext db, CurrentTenant currentTenant, SmsSettingsStore sms, TimeProvider clock)
{
    /// <summary>How far back an admin sees failed job runs.</summary>
    public static readonly TimeSpan FailureWindow = TimeSpan.FromDays(7);

    public async Task<DashboardSummary> SummaryAsync(CancellationToken ct = default)
    {
        var tenant = await currentTenant.LoadAsync(ct);
        var userId = db.Tenant.UserId;
        // The sign-in that opened this session is the latest; the one before it is the person's previous visit.
        var lastSignIn = await db.AuditLog.AsNoTracking()
            .Where(a => a.UserId == userId && a.Action == AuditActions.SignIn)
            .OrderByDescending(a => a.Id).Skip(1).Select(a => (DateTimeOffset?)a.At).FirstOrDefaultAsync(ct);
        return new DashboardSummary(tenant.Name, lastSignIn);
    }

    public async Task<AdminOverview> AdminAsync(CancellationToken ct = default)
    {
        var since = clock.GetUtcNow() - FailureWindow;
        var failed = await db.JobRuns.AsNoTracking()
            .Where(r => r.Status == JobRunStatus.Failed && r.StartedAt >= since)
            .GroupBy(r => r.JobId)
            .Select(g => new
            {
                JobId = g.Key,
                Failures = g.Count(),
                Last = g.OrderByDescending(r => r.StartedAt).Select(r => new { r.StartedAt, r.Error }).First(),
            })
            .ToListAsync(ct);
        var settings = await sms.GetAsync(ct); // whether credentials are stored; never decrypted for this
        var provider = await sms.ProviderNameAsync(ct);
        return new AdminOverview(
            await db.Memberships.CountAsync(m => m.IsActive, ct),
            await db.ApiKeys.CountAsync(k => k.RevokedAt == null, ct),
            provider,
            settings?.LoginCipher is not null || settings?.SecretCipher is not null,
            [.. failed.OrderByDescending(f => f.Last.StartedAt).Select(f => new FailedJob(f.JobId, f.Failures, f.Last.StartedAt, f.Last.Error))]);
    }
}
