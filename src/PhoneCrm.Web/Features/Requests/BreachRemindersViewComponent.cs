using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The dashboard's reminder of open breach incidents, each with the Roskomnadzor clock that runs out first; only for those who keep the register.</summary>
public sealed class BreachRemindersViewComponent(BreachRegister register) : ViewComponent
{
    public const string Name = "BreachReminders";

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!UserClaimsPrincipal.Has(Permission.BreachesManage)) return Content("");
        return View("/Features/Requests/Views/Breaches/_Reminders.cshtml", await register.RemindersAsync(HttpContext.RequestAborted));
    }
}
