using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Hygiene;

/// <summary>The CLI verbs <c>jobs list</c> and <c>jobs run &lt;id&gt;</c> of api-v1 "Hygiene jobs", run as the real process.</summary>
[Collection(AppCollection.Name)]
public sealed class JobsCliTests(AppFixture app)
{
    [Fact]
    public async Task Jobs_list_prints_every_recurring_job_with_its_cron_and_description()
    {
        var (code, stdout, stderr) = await WebProcess.RunAsync(app.Factory, "jobs", "list");

        Assert.True(code == 0, stderr);
        var jobs = JsonDocument.Parse(stdout.Trim()).RootElement.EnumerateArray().ToList();
        Assert.All(jobs, j => Assert.Equal(["id", "cron", "description"], j.EnumerateObject().Select(p => p.Name)));
        var retention = Assert.Single(jobs, j => j.GetProperty("id").GetString() == RetentionJobs.JobId);
        Assert.Equal("0 2 * * *", retention.GetProperty("cron").GetString());
        Assert.False(string.IsNullOrWhiteSpace(retention.GetProperty("description").GetString()));
        foreach (var id in new[]
        {
            RequestDeadlineJobs.JobId, FailedDeliveriesJob.JobId, EngagementJob.JobId, OptOutReconciliationJob.JobId, ReconsentJob.JobId,
            ValidateNumbersJob.JobId, PhoneCrm.Infrastructure.Consent.ConsentChainCheckpointJob.JobId,
        })
            Assert.Contains(jobs, j => j.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Jobs_run_runs_the_job_for_every_tenant_in_the_foreground_and_records_each_run()
    {
        var tenant = await app.CreateTenantAsync();

        var (code, stdout, stderr) = await WebProcess.RunAsync(app.Factory, "jobs", "run", RequestDeadlineJobs.JobId);

        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout.Trim()).RootElement;
        Assert.Equal(["id", "tenants", "changed"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(RequestDeadlineJobs.JobId, json.GetProperty("id").GetString());
        Assert.True(json.GetProperty("tenants").GetInt32() >= 1);
        Assert.True(json.GetProperty("changed").GetInt32() >= 0);
        var run = await tenant.WithDbAsync(db => db.JobRuns.SingleAsync(r => r.JobId == RequestDeadlineJobs.JobId));
        Assert.Equal(JobRunStatus.Completed, run.Status);
        Assert.NotNull(run.FinishedAt);
        Assert.Equal(0, run.Changed);
    }

    [Fact]
    public async Task An_unknown_job_id_exits_2_with_a_message()
    {
        var (code, stdout, stderr) = await WebProcess.RunAsync(app.Factory, "jobs", "run", "no-such-job");

        Assert.Equal(2, code);
        Assert.Equal("", stdout.Trim());
        Assert.Contains("no-such-job", stderr, StringComparison.Ordinal);
        Assert.Contains(RetentionJobs.JobId, stderr, StringComparison.Ordinal);
    }
}
