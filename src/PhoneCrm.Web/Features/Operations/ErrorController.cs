using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Operations;

/// <summary>Readable error pages; API paths keep problem+json from the framework.</summary>
public sealed class ErrorController : UiController
{
    // From the route only: a re-executed form post carries its own fields, and an MFA form's "Code" is no status code.
    [Route("error/{code:int?}"), AllowAnonymous, IgnoreAntiforgeryToken]
    public IActionResult Index([FromRoute] int? code)
    {
        var status = code ?? StatusCodes.Status500InternalServerError;
        var original = HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>();
        if (original?.OriginalPath.StartsWith("/api", StringComparison.Ordinal) == true)
            return Problem(statusCode: status);
        Response.StatusCode = status;
        return View("Error", status);
    }
}
