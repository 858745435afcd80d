using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Web.Hosting.Api;

/// <summary>
/// RFC 9457 problem responses, the one writer for every API error: actions, filters, model binding and code outside
/// MVC (authentication, middleware). Each carries the request path and trace id.
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    /// <summary>As an action result: a JsonResult, because [Produces] would rewrite an ObjectResult's content type to plain JSON.</summary>
    public static JsonResult Result(HttpContext http, ProblemDetails problem) =>
        new(Stamp(http, problem)) { StatusCode = problem.Status, ContentType = ContentType };

    /// <summary>400 with <c>errors</c> keyed by field (<c>errors.phone</c>): every refused input, whoever refused it.</summary>
    public static JsonResult Validation(HttpContext http, ValidationErrors errors) =>
        Result(http, new ValidationProblemDetails(errors.ByField.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
        });

    /// <summary>Automatic 400s of model binding speak like every other API error.</summary>
    public static IActionResult InvalidModelState(ActionContext context)
    {
        var errors = new ValidationErrors();
        foreach (var (key, entry) in context.ModelState)
        {
            foreach (var error in entry.Errors) errors.Add(key.Length == 0 ? "body" : key, error.ErrorMessage);
        }

        return Validation(context.HttpContext, errors);
    }

    /// <summary>Outside MVC: writes the problem to the response.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Stamp(context, new ProblemDetails { Status = status, Title = title, Detail = detail }),
            options: null, contentType: ContentType);
    }

    private static ProblemDetails Stamp(HttpContext http, ProblemDetails problem)
    {
        problem.Instance ??= http.Request.Path;
        problem.Extensions["traceId"] = http.TraceIdentifier;
        return problem;
    }
}
