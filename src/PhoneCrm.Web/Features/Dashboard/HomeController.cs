using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Dashboard;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Dashboard;

/// <summary>The landing page after sign-in: each capability adds its own card here.</summary>
public sealed class HomeController(DashboardQueries dashboard) : UiController
{
    [HttpGet("/"), RequirePermission(Permission.DashboardView)]
    public async Task<IActionResult> Index() => View(await dashboard.SummaryAsync(HttpContext.RequestAborted));
}
