using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Web.Hosting.Api;

/// <summary>Base of the integration API: bearer keys only (no cookies, hence no CSRF), JSON in and out.</summary>
[ApiController]
[Route("api/v1")]
[IgnoreAntiforgeryToken]
[EnableRateLimiting(RateLimits.Api)]
[Produces("application/json")]
public abstract class ApiV1Controller : ControllerBase
{
    /// <summary>404 as problem+json: used both for unknown ids and for other tenants' ids.</summary>
    protected IActionResult NotFoundProblem(string what) =>
        ProblemJson(new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = $"{what} was not found." });

    /// <summary>400 with <c>errors</c> keyed by field (<c>errors.phone</c>).</summary>
    protected IActionResult ValidationProblemJson(ValidationErrors errors) => Problems.Validation(HttpContext, errors);

    /// <summary>400 naming one field.</summary>
    protected IActionResult ValidationProblemJson(string field, string message) => ValidationProblemJson(ValidationErrors.Of(field, message));

    protected IActionResult ProblemJson(ProblemDetails problem) => Problems.Result(HttpContext, problem);
}
