using Microsoft.AspNetCore.Mvc;

namespace PhoneCrm.Web.Api;

/// <summary>Base of the integration API: bearer keys only (no cookies, hence no CSRF), JSON in and out.</summary>
[ApiController]
[Route("api/v1")]
[IgnoreAntiforgeryToken]
[Produces("application/json")]
public abstract class ApiV1Controller : ControllerBase
{
    /// <summary>404 as problem+json: used both for unknown ids and for other tenants' ids.</summary>
    protected ObjectResult NotFoundProblem(string what) =>
        Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"{what} was not found.");
}
