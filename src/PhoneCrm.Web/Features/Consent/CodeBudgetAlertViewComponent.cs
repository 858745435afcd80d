using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// The dashboard's alert when the capture forms' daily code budget is used up (api-v1 "Capture forms"): forms then
/// answer 429 and send nothing, which is either an attack or a campaign bigger than the budget — an Admin decides.
/// </summary>
public sealed class CodeBudgetAlertViewComponent(PublicSafetySettings safety) : ViewComponent
{
    public sealed record AlertModel(int Used, int Budget);

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!UserClaimsPrincipal.Has(Permission.ConsentManage) && !UserClaimsPrincipal.Has(Permission.SettingsManage)) return Content("");
        var (used, budget) = await safety.CodeBudgetTodayAsync(HttpContext.RequestAborted);
        if (used < budget) return Content("");
        return View("/Features/Consent/Views/Shared/_CodeBudgetAlert.cshtml", new AlertModel(used, budget));
    }
}
