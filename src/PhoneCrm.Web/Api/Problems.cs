using Microsoft.AspNetCore.Mvc;

namespace PhoneCrm.Web.Api;

/// <summary>RFC 9457 problem responses written outside MVC (authentication, middleware).</summary>
public static class Problems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(
            new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path },
            options: null, contentType: "application/problem+json");
    }
}
