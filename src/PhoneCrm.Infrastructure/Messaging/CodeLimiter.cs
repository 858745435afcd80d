using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>
/// Loads the facts <see cref="CodeLimits"/> decides on from a page's own challenges (capture forms, self-service
/// requests): the number's codes in the last 24 hours and the oldest of the tenant's last <c>DailyBudget</c> codes.
/// Two small index reads (<c>(tenant_id, phone_index, created_at)</c> and <c>(tenant_id, created_at)</c>).
/// </summary>
public static class CodeLimiter
{
    public static async Task<TimeSpan?> RetryAfterAsync<T>(IQueryable<T> challenges, byte[] phoneIndex, CodeLimits limits, DateTimeOffset now,
        CancellationToken ct) where T : class, ICodeChallenge
    {
        var since = now - CodeLimits.Window;
        var recent = challenges.AsNoTracking().Where(c => c.CreatedAt > since);
        var perNumber = await recent.Where(c => c.PhoneIndex == phoneIndex).OrderBy(c => c.CreatedAt).Select(c => c.CreatedAt).ToListAsync(ct);
        var budgetOldest = limits.DailyBudget <= 0 ? null
            : await recent.OrderByDescending(c => c.CreatedAt).Skip(limits.DailyBudget - 1).Select(c => (DateTimeOffset?)c.CreatedAt).FirstOrDefaultAsync(ct);
        return limits.RetryAfter(perNumber, budgetOldest, now);
    }

    /// <summary>The codes made in the last 24 hours (the dashboard compares them with the budget).</summary>
    public static Task<int> CountTodayAsync<T>(IQueryable<T> challenges, DateTimeOffset now, CancellationToken ct) where T : class, ICodeChallenge
    {
        var since = now - CodeLimits.Window;
        return challenges.AsNoTracking().CountAsync(c => c.CreatedAt > since, ct);
    }
}
