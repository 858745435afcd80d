using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Hygiene;

/// <summary>Base hygiene (PRODUCT.md §2.6): what each job changed last, the failed-deliveries review with restore, base health.</summary>
[Route("hygiene")]
public sealed class HygieneController(HygieneOverview hygiene, HealthCheckService health) : UiController
{
    public sealed record JobsPage(HealthStatus Health, IReadOnlyList<JobRunsView> Jobs);

    /// <summary>
    /// The tenant's own jobs and health, read-only: a tenant SystemOperator's window on operations. The Hangfire dashboard
    /// (every tenant's jobs, with retry and delete) is the platform's alone.
    /// </summary>
    [HttpGet("jobs"), RequirePermission(Permission.JobRunsView)]
    public async Task<IActionResult> Jobs(CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains("ready"), ct);
        return View(new JobsPage(report.Status, await hygiene.JobsAsync(ct)));
    }

    [HttpGet(""), RequirePermission(Permission.HygieneManage)]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await hygiene.GetAsync(ct));

    [HttpPost("restore"), RequirePermission(Permission.HygieneManage)]
    public async Task<IActionResult> Restore([FromForm] Guid contactId, CancellationToken ct)
    {
        if (!await hygiene.RestoreAsync(contactId, ct)) return NotFound();
        TempData["Restored"] = true;
        return Redirect("/hygiene");
    }

    [HttpPost("responsible"), RequirePermission(Permission.SettingsManage)]
    public async Task<IActionResult> Responsible([FromForm] string? name, CancellationToken ct)
    {
        await hygiene.SetResponsibleAsync(name, ct);
        return Redirect("/hygiene");
    }
}
