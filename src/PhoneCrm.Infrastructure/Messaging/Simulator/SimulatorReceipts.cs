using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Messaging.Simulator;

/// <summary>
/// The simulated network: once a message's delivery delay has passed, reports it delivered exactly as the
/// <c>/sms/status</c> webhook would. A message not yet claimed by its sender (its transaction still open) is tried
/// again on the next sweep; one nobody claims for <see cref="OrphanAfter"/> is dropped.
/// </summary>
public sealed class SimulatorReceipts(PhoneCrmDbContext db, SmsStatusUpdater statuses, TimeProvider clock)
{
    public static readonly TimeSpan OrphanAfter = TimeSpan.FromMinutes(15);

    /// <summary>Reports due deliveries of the current tenant; returns true while some are still waiting.</summary>
    public async Task<bool> ReportDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = await db.SimulatorMessages.AsNoTracking()
            .Where(m => m.Status == SimulatorStatus.Accepted && m.DeliverAt <= now)
            .OrderBy(m => m.DeliverAt)
            .Select(m => new { m.ProviderMessageId, m.AcceptedAt })
            .Take(5000)
            .ToListAsync(ct);
        if (due.Count > 0)
        {
            var matched = await statuses.ApplyManyAsync(
                due.Select(d => new SmsReceipt(d.ProviderMessageId, SmsStatus.Delivered, null, now)).ToList(), ct);
            var delivered = matched.ToList();
            var orphaned = due.Where(d => !matched.Contains(d.ProviderMessageId) && d.AcceptedAt < now - OrphanAfter)
                .Select(d => d.ProviderMessageId).ToList();
            if (delivered.Count > 0)
            {
                await db.SimulatorMessages.Where(m => delivered.Contains(m.ProviderMessageId))
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, SimulatorStatus.Delivered).SetProperty(m => m.ReportedAt, now), ct);
            }

            if (orphaned.Count > 0)
            {
                await db.SimulatorMessages.Where(m => orphaned.Contains(m.ProviderMessageId))
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, SimulatorStatus.Orphaned).SetProperty(m => m.ReportedAt, now), ct);
            }
        }

        return await db.SimulatorMessages.AnyAsync(m => m.Status == SimulatorStatus.Accepted, ct);
    }
}
