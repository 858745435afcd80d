using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Hygiene;

public sealed record BaseHealthCard(BaseHealthView Health, IReadOnlyList<JobRun> LastRuns);

/// <summary>The dashboard's base-health card: today's shares, who answers for the base, and what each job changed last;
/// for those who look after the base.</summary>
public sealed class BaseHealthCardViewComponent(HygieneOverview hygiene) : ViewComponent
{
    public const string Name = "BaseHealthCard";

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!UserClaimsPrincipal.Has(Permission.HygieneManage)) return Content("");
        var ct = HttpContext.RequestAborted;
        return View("/Features/Hygiene/Views/Hygiene/_Card.cshtml", new BaseHealthCard(await hygiene.HealthAsync(ct), await hygiene.LastRunsAsync(ct)));
    }
}
