using Microsoft.AspNetCore.Mvc;

namespace PhoneCrm.Web.Features.Access;

/// <summary>Base of the server-rendered pages: kept out of the API description; CSRF is checked globally.</summary>
[ApiExplorerSettings(IgnoreApi = true)]
public abstract class UiController : Controller
{
    protected void Flash(string message) => TempData["Flash"] = message;
}
