using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Dashboard;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Dashboard;

/// <summary>The dashboard's admin card: users, API keys, the SMS provider and failed scheduled jobs; for those who manage settings.</summary>
public sealed class AdminOverviewViewComponent(DashboardQueries dashboard) : ViewComponent
{
    public const string Name = "AdminOverview";

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!UserClaimsPrincipal.Has(Permission.SettingsManage)) return Content("");
        return View("/Features/Dashboard/Views/Home/_AdminOverview.cshtml", await dashboard.AdminAsync(HttpContext.RequestAborted));
    }
}
