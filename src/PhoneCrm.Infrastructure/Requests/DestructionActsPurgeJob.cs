using PhoneCrm.Infrastructure.Jobs;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>
/// Acts of destruction are kept three years (api-v1 "Destruction acts"): the recurring job <see cref="Id"/> (daily,
/// cron configurable as <c>Hygiene:Schedules:destruction-acts-purge</c>) deletes each tenant's acts older than that
/// (run per tenant by <see cref="TenantJobRunner"/>). Deleting by age is idempotent, so a repeated or resumed run changes nothing more.
/// </summary>
public sealed class DestructionActsPurgeJob(DestructionActs acts) : ITenantJob
{
    public const string Id = "destruction-acts-purge";

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<DestructionActsPurgeJob>(Id, Hangfire.Cron.Daily(),
        "Deletes acts of destruction older than three years");

    /// <param name="tenantId">The current tenant: the acts purged are this tenant's.</param>
    public Task<int> PurgeTenantAsync(Guid tenantId, CancellationToken ct) => acts.PurgeExpiredAsync(ct);

    async Task<TenantJobResult> ITenantJob.RunTenantAsync(Guid tenantId, CancellationToken ct) =>
        TenantJobResult.Of(new Dictionary<string, int> { ["purged"] = await PurgeTenantAsync(tenantId, ct) });
}
