using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace PhoneCrm.Web.Hosting.Api;

/// <summary>
/// Rejects a body larger than the limit with 413 problem+json. A declared Content-Length is checked before reading;
/// a chunked body is buffered up to the limit (small by design) and rejected as soon as it goes over.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class RequestBodyLimitAttribute(long bytes) : Attribute, IAsyncResourceFilter
{
    public long Bytes { get; } = bytes;

    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = Bytes + 1;
        if (http.Request.ContentLength > Bytes)
        {
            context.Result = TooLarge(http);
            return;
        }

        if (http.Request.ContentLength is null)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > Bytes)
                {
                    context.Result = TooLarge(http);
                    return;
                }

                buffer.Write(chunk, 0, read);
            }

            buffer.Position = 0;
            http.Request.Body = buffer;
            http.Response.RegisterForDispose(buffer);
        }

        await next();
    }

    private JsonResult TooLarge(HttpContext http) => Problems.Result(http, new ProblemDetails
    {
        Status = StatusCodes.Status413PayloadTooLarge,
        Title = "Payload too large",
        Detail = $"The request body may be at most {Bytes} bytes.",
    });
}
