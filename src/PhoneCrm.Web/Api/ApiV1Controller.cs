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
    protected IActionResult NotFoundProblem(string what) =>
        ProblemJson(new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = $"{what} was not found." });

    /// <summary>400 with <c>errors</c> keyed by field (<c>errors.phone</c>).</summary>
    protected IActionResult ValidationProblemJson(IReadOnlyDictionary<string, string[]> errors) =>
        ProblemJson(new ValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
        });

    /// <summary>
    /// A problem written as <c>application/problem+json</c> (RFC 9457). A JsonResult, because [Produces] would
    /// rewrite an ObjectResult's content type to plain JSON.
    /// </summary>
    protected IActionResult ProblemJson(ProblemDetails problem)
    {
        problem.Instance ??= Request.Path;
        problem.Extensions["traceId"] = HttpContext.TraceIdentifier;
        return new JsonResult(problem)
        {
            StatusCode = problem.Status,
            ContentType = "application/problem+json",
        };
    }
}
