using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Surveys;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;

namespace PhoneCrm.Web.Features.Surveys;

/// <summary>
/// The dashboard's notifications: the weekly survey summaries the <c>surveys-weekly-report</c> job posts, for those who read
/// survey reports over every contact — not a sales manager, whose reports hold their own contacts' calls only.
/// </summary>
public sealed class SurveyNotificationsViewComponent(SurveyReports reports) : ViewComponent
{
    public const int Shown = 5;

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!UserClaimsPrincipal.Has(Permission.SurveysRead) || ContactAccess.ScopeFor(UserClaimsPrincipal).OwnerOnly is not null) return Content("");
        var items = await reports.NotificationsAsync([nameof(Permission.SurveysRead)], Shown, HttpContext.RequestAborted);
        return items.Count == 0 ? Content("") : View("/Features/Surveys/Views/Surveys/_Notifications.cshtml", items);
    }
}
