using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The compliance officer's view of retention: each purpose's rule, the job's run history, and who goes next and why.</summary>
[Route("retention"), RequirePermission(Permission.RetentionView)]
public sealed class RetentionController(Retention retention) : UiController
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await retention.OverviewAsync(ct));
}
