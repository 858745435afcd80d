using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Infrastructure.Messaging.Http;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>
/// SMS.ru and SMSC.ru post receipts and replies here in their own formats (they sign nothing and send no API key): the
/// address carries the tenant and its secret (<see cref="ProviderCallbackTokens"/>, shown on the SMS settings page). A
/// wrong secret is 404, like an address that does not exist.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ApiExplorerSettings(IgnoreApi = true)]
[Route("webhooks/sms")]
public sealed class ProviderCallbacksController(ProviderCallbacks callbacks) : Controller
{
    private const int MaxBody = 512 * 1024; // SMS.ru batches up to a hundred entries per post

    /// <summary>SMS.ru: <c>data[N]</c> form fields; the answer must be the body <c>100</c>, or SMS.ru posts again.</summary>
    [HttpPost(ProviderCallbackTokens.SmsRuPath + "/{tenantId:guid}/{token}")]
    [RequestSizeLimit(MaxBody)]
    public async Task<IActionResult> SmsRuAsync(Guid tenantId, string token, CancellationToken ct)
    {
        var entries = Request.HasFormContentType
            ? (await Request.ReadFormAsync(ct)).Where(f => f.Key.StartsWith("data", StringComparison.Ordinal))
                .OrderBy(f => f.Key, StringComparer.Ordinal).SelectMany(f => f.Value).OfType<string>().ToList()
            : [];
        return await callbacks.SmsRuAsync(tenantId, token, entries, ct) is null ? NotFound() : Content("100", "text/plain");
    }

    /// <summary>SMSC: one event per request, as a form post or query string; any 200 answer stops its retries.</summary>
    [HttpGet(ProviderCallbackTokens.SmscPath + "/{tenantId:guid}/{token}")]
    [HttpPost(ProviderCallbackTokens.SmscPath + "/{tenantId:guid}/{token}")]
    [RequestSizeLimit(MaxBody)]
    public async Task<IActionResult> SmscAsync(Guid tenantId, string token, CancellationToken ct)
    {
        var fields = Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (Request.HasFormContentType)
        {
            foreach (var f in await Request.ReadFormAsync(ct)) fields[f.Key] = f.Value.ToString();
        }

        return await callbacks.SmscAsync(tenantId, token, fields, ct) is null ? NotFound() : Content("OK", "text/plain");
    }
}
