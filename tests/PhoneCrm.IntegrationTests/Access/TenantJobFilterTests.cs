using System.Collections.Concurrent;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Access;

/// <summary>Jobs run for the tenant in their <c>tenantId</c> argument, set by the one job filter, never by the job.</summary>
[Collection(AppCollection.Name)]
public sealed class TenantJobFilterTests(AppFixture app)
{
    [Fact]
    public async Task A_job_enqueued_for_tenant_A_sees_only_A_rows()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();
        var jobs = app.Factory.Services.GetRequiredService<IBackgroundJobClient>();

        var forA = Guid.NewGuid();
        var forB = Guid.NewGuid();
        var forNobody = Guid.NewGuid();
        jobs.Enqueue<TenantProbeJob>(j => j.ProbeAsync(a.Id, forA));
        jobs.Enqueue<TenantProbeJob>(j => j.ProbeAsync(b.Id, forB));
        jobs.Enqueue<TenantProbeJob>(j => j.ProbeWithoutTenantAsync(forNobody));

        var seenByA = await TenantProbeJob.ResultAsync(forA);
        Assert.Equal(a.Id, seenByA.Tenant);
        Assert.Equal([a.Id], seenByA.ApiKeyTenants);
        Assert.Equal([a.Id], seenByA.ApiKeyTenantsUnderRlsOnly);

        var seenByB = await TenantProbeJob.ResultAsync(forB);
        Assert.Equal([b.Id], seenByB.ApiKeyTenantsUnderRlsOnly);

        var seenByNobody = await TenantProbeJob.ResultAsync(forNobody);
        Assert.Null(seenByNobody.Tenant);
        Assert.Empty(seenByNobody.ApiKeyTenantsUnderRlsOnly);
    }
}

public sealed record TenantProbe(Guid? Tenant, List<Guid> ApiKeyTenants, List<Guid> ApiKeyTenantsUnderRlsOnly);

/// <summary>A job that reports which tenant it ran for and whose rows it could read.</summary>
public sealed class TenantProbeJob(PhoneCrmDbContext db)
{
    private static readonly ConcurrentDictionary<Guid, TenantProbe> Results = new();

    public async Task ProbeAsync(Guid tenantId, Guid probe) => Results[probe] = await ReadAsync();

    public async Task ProbeWithoutTenantAsync(Guid probe) => Results[probe] = await ReadAsync();

    private async Task<TenantProbe> ReadAsync() => new(
        db.Tenant.TenantId,
        await db.ApiKeys.Select(k => k.TenantId).Distinct().ToListAsync(),
        await db.ApiKeys.IgnoreQueryFilters().Select(k => k.TenantId).Distinct().ToListAsync());

    public static async Task<TenantProbe> ResultAsync(Guid probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        TenantProbe? result;
        while (!Results.TryGetValue(probe, out result))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Probe job {probe} did not run.");
            await Task.Delay(100);
        }

        return result;
    }
}
