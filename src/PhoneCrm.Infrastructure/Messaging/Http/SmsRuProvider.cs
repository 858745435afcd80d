using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Messaging.Providers;

namespace PhoneCrm.Infrastructure.Messaging.Http;

/// <summary>
/// SMS.ru (<c>POST /sms/send?api_id&amp;to&amp;msg&amp;json=1</c>, PRODUCT §4.4). SMS.ru has no idempotency key, so our own
/// guarantee is: an accepted answer is recorded with the message before anything else, a message is never resent once
/// accepted, and the HTTP pipeline retries only answers that prove nothing was sent (5xx/429, connection refused) — never
/// a timeout.
/// </summary>
public sealed class SmsRuProvider(HttpClient http, SmsSettingsStore settings, IOptionsMonitor<SmsOptions> options,
    ILogger<SmsRuProvider> logger) : ISmsProvider
{
    public const string HttpClientName = "sms-ru";

    // 220 service unavailable, 230/231/232 sending limits, 500 server error: try later. Everything else is about the message.
    private static readonly HashSet<int> _retryableCodes = [220, 230, 231, 232, 233, 500];

    public string Name => SmsProviderNames.SmsRu;

    public async Task<SmsSendResult> SendAsync(SmsSendRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.CurrentValue.SmsRu;
        var (login, _) = await settings.CredentialsAsync(ct);
        var apiId = login ?? o.Login;
        if (string.IsNullOrEmpty(apiId)) return SmsSendResult.Refused("SMS.ru api_id is not configured.", "not_configured");
        var to = request.Phone.TrimStart('+');
        var form = new Dictionary<string, string>
        {
            ["api_id"] = apiId,
            ["to"] = to,
            ["msg"] = request.Text,
            ["json"] = "1",
        };
        if ((request.Sender ?? o.Sender) is { Length: > 0 } sender) form["from"] = sender;

        using var response = await http.PostAsync(new Uri(new Uri(o.BaseUrl.TrimEnd('/') + "/"), "sms/send"), new FormUrlEncodedContent(form), ct);
        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            return SmsSendResult.Retry($"SMS.ru answered HTTP {(int)response.StatusCode}.", $"http_{(int)response.StatusCode}");
        if (!response.IsSuccessStatusCode)
            return SmsSendResult.Refused($"SMS.ru answered HTTP {(int)response.StatusCode}.", $"http_{(int)response.StatusCode}");

        JsonElement body;
        try
        {
            body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(ct));
        }
        catch (JsonException e)
        {
            // An unreadable 200 may still mean "accepted": do not resend blindly, give it up for a person to check.
            logger.LogWarning(e, "SMS.ru sent an unreadable answer for message {MessageId}", request.MessageId);
            return SmsSendResult.Refused("SMS.ru answer could not be read.", "bad_answer");
        }

        if (Str(body, "status") != "OK") return Error(body);
        if (!body.TryGetProperty("sms", out var sms) || !sms.TryGetProperty(to, out var item))
            return SmsSendResult.Refused("SMS.ru answer has no result for the number.", "bad_answer");
        if (Str(item, "status") == "OK" && Str(item, "sms_id") is { Length: > 0 } id) return SmsSendResult.Accepted(id);
        return Error(item);
    }

    private static SmsSendResult Error(JsonElement e)
    {
        var code = Int(e, "status_code");
        var text = Str(e, "status_text") ?? "SMS.ru refused the message.";
        var codeText = code?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
        return code is { } c && _retryableCodes.Contains(c) ? SmsSendResult.Retry(text, codeText) : SmsSendResult.Refused(text, codeText);
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;

    private static int? Int(JsonElement e, string name) =>
        int.TryParse(Str(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;
}
