using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Access;

/// <summary>Base of the server-rendered pages: kept out of the API description; CSRF is checked globally.</summary>
[ApiExplorerSettings(IgnoreApi = true)]
public abstract class UiController : Controller
{
    protected void Flash(string message) => TempData["Flash"] = message;

    /// <summary>A refusal shown after a redirect: red and announced (role=alert), never in the green of a success.</summary>
    protected void FlashError(string message) => TempData["FlashError"] = message;

    /// <summary>Pages show and read times in the tenant's zone; views format synchronously, so the zone is read first.</summary>
    public override async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        await HttpContext.RequestServices.GetRequiredService<TenantClock>().LoadAsync(HttpContext.RequestAborted);
        await next();
    }
}
