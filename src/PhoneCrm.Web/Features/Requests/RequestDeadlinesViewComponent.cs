using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The dashboard's alarm of data-subject requests overdue or due within a day; only for those who see requests.</summary>
public sealed class RequestDeadlinesViewComponent(SubjectRequests requests) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!UserClaimsPrincipal.Has(Permission.RequestsView)) return Content("");
        return View("/Features/Requests/Views/Requests/_Deadlines.cshtml", await requests.AttentionAsync(10, HttpContext.RequestAborted));
    }
}

/// <summary>The menu's red count of overdue requests beside «Requests», on every page, for those who see requests.</summary>
public sealed class RequestsBadgeViewComponent(SubjectRequests requests) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!UserClaimsPrincipal.Has(Permission.RequestsView)) return Content("");
        var overdue = (await requests.CountsAsync(HttpContext.RequestAborted)).Overdue;
        return View("/Features/Requests/Views/Requests/_Badge.cshtml", overdue);
    }
}
