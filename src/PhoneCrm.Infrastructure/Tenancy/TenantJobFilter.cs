using Hangfire.Server;

namespace PhoneCrm.Infrastructure.Tenancy;

/// <summary>
/// Every Hangfire job runs for the tenant in its <c>tenantId</c> argument, and jobs never set the tenant themselves. Hangfire
/// builds the job's DI scope after its server filters run, so this filter cannot reach that scope's
/// <see cref="TenantContext"/>; it makes the job's tenant current on the job's flow instead, and the scope's context starts
/// as <see cref="CurrentJobTenant"/> (see the registration). It is cleared after the job, whether it succeeded or threw.
/// A job without a <c>tenantId</c> argument runs for no tenant, so row-level security shows it no tenant rows.
/// </summary>
public sealed class TenantJobFilter : IServerFilter
{
    public const string TenantArgument = "tenantId";

    private static readonly AsyncLocal<Guid?> JobTenant = new();

    /// <summary>The tenant of the job running on this flow; null outside jobs.</summary>
    public static Guid? CurrentJobTenant => JobTenant.Value;

    public void OnPerforming(PerformingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.BackgroundJob.Job;
        var parameters = job.Method.GetParameters();
        var index = Array.FindIndex(parameters, p => p.Name == TenantArgument && p.ParameterType == typeof(Guid));
        JobTenant.Value = index >= 0 ? (Guid?)job.Args[index] : null;
    }

    public void OnPerformed(PerformedContext context) => JobTenant.Value = null;
}
