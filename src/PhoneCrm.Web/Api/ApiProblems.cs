using Microsoft.AspNetCore.Mvc;

namespace PhoneCrm.Web.Api;

public static class ApiProblems
{
    /// <summary>Automatic 400s speak RFC 9457 like every other API error, with errors keyed by field.</summary>
    public static IActionResult InvalidModelState(ActionContext ctx)
    {
        var errors = ctx.ModelState.Where(e => e.Value?.Errors.Count > 0).ToDictionary(
            e => e.Key.Length == 0 ? "body" : e.Key,
            e => e.Value!.Errors.Select(x => x.ErrorMessage).ToArray());
        var problem = new ValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
            Instance = ctx.HttpContext.Request.Path,
        };
        return new JsonResult(problem) { StatusCode = StatusCodes.Status400BadRequest, ContentType = "application/problem+json" };
    }
}
