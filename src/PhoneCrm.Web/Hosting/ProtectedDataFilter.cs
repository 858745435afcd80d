using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Hosting;

/// <summary>
/// A stored value that fails authentication (altered, or copied from another record, column or tenant: the associated data
/// binds each value to its place) is reported, not a 500: the page or API answers 409 saying so, and the log names the
/// request, the context and the key id — never a value — so the operator can investigate.
/// </summary>
public sealed partial class ProtectedDataFilter(ILogger<ProtectedDataFilter> logger, ITempDataDictionaryFactory tempData) : IExceptionFilter
{
    public const string Title = "Protected data of this record failed verification.";
    public const string Detail = "A stored value cannot be decrypted: it was altered or moved from another record or tenant. " +
        "The incident is logged; tell your administrator.";

    public void OnException(ExceptionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Exception is not PiiDecryptionException e) return;
        var http = context.HttpContext;
        LogUnreadable(http.Request.Method, Logging.RedactedPath(http.Request.Path), e.Message);
        const int status = StatusCodes.Status409Conflict;
        if (http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            context.Result = Problems.Result(http, new ProblemDetails { Status = status, Title = Title, Detail = Detail });
        }
        else
        {
            http.Response.StatusCode = status;
            context.Result = new ViewResult
            {
                ViewName = "Error",
                StatusCode = status,
                ViewData = new ViewDataDictionary<int>(new Microsoft.AspNetCore.Mvc.ModelBinding.EmptyModelMetadataProvider(), context.ModelState) { Model = status },
                TempData = tempData.GetTempData(http),
            };
        }

        context.ExceptionHandled = true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unreadable protected data on {Method} {Path}: {Reason}")]
    private partial void LogUnreadable(string method, string path, string reason);
}
