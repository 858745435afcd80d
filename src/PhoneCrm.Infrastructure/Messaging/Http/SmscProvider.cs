using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Messaging.Providers;

namespace PhoneCrm.Infrastructure.Messaging.Http;

/// <summary>
/// SMSC.ru (<c>/sys/send.php?login&amp;psw&amp;phones&amp;mes&amp;sender&amp;fmt=3&amp;charset=utf-8</c>, PRODUCT §4.4). Every
/// request carries <c>id</c> = our message id (stable for the idempotency key), so a retry of the same message is the same
/// SMSC message; SMSC's "duplicate request" answer (error 9) therefore means it already has it.
/// </summary>
public sealed class SmscProvider(HttpClient http, SmsSettingsStore settings, IOptionsMonitor<SmsOptions> options,
    ILogger<SmscProvider> logger) : ISmsProvider
{
    public const string HttpClientName = "smsc";

    // 4 IP temporarily blocked, 9 too many identical requests (handled first), 11+ are internal: try later.
    private static readonly HashSet<int> _retryableCodes = [4];

    public string Name => SmsProviderNames.Smsc;

    public async Task<SmsSendResult> SendAsync(SmsSendRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.CurrentValue.Smsc;
        var (login, secret) = await settings.CredentialsAsync(ct);
        login ??= o.Login;
        secret ??= o.Secret;
        if (string.IsNullOrEmpty(login) || string.IsNullOrEmpty(secret)) return SmsSendResult.Refused("SMSC login is not configured.", "not_configured");
        var id = SmscId(request);
        var form = new Dictionary<string, string>
        {
            ["login"] = login,
            ["psw"] = secret,
            ["phones"] = request.Phone.TrimStart('+'),
            ["mes"] = request.Text,
            ["fmt"] = "3",
            ["charset"] = "utf-8",
            ["id"] = id,
        };
        if ((request.Sender ?? o.Sender) is { Length: > 0 } sender) form["sender"] = sender;

        using var response = await http.PostAsync(new Uri(new Uri(o.BaseUrl.TrimEnd('/') + "/"), "sys/send.php"), new FormUrlEncodedContent(form), ct);
        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            return SmsSendResult.Retry($"SMSC answered HTTP {(int)response.StatusCode}.", $"http_{(int)response.StatusCode}");
        if (!response.IsSuccessStatusCode)
            return SmsSendResult.Refused($"SMSC answered HTTP {(int)response.StatusCode}.", $"http_{(int)response.StatusCode}");

        JsonElement body;
        try
        {
            body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(ct));
        }
        catch (JsonException e)
        {
            // Resending is safe with the same id, so an unreadable answer is worth another try.
            logger.LogWarning(e, "SMSC sent an unreadable answer for message {MessageId}", request.MessageId);
            return SmsSendResult.Retry("SMSC answer could not be read.", "bad_answer");
        }

        if (body.ValueKind != JsonValueKind.Object) return SmsSendResult.Retry("SMSC answer is not an object.", "bad_answer");
        if (body.TryGetProperty("error_code", out var errorCode) || body.TryGetProperty("error", out _))
        {
            var code = errorCode.ValueKind == JsonValueKind.Number ? errorCode.GetInt32() : -1;
            var text = body.TryGetProperty("error", out var e) ? e.ToString() : "SMSC refused the message.";
            if (code == 9) return SmsSendResult.Accepted(id); // the same request was already accepted
            var codeText = code.ToString(CultureInfo.InvariantCulture);
            return _retryableCodes.Contains(code) ? SmsSendResult.Retry(text, codeText) : SmsSendResult.Refused(text, codeText);
        }

        return SmsSendResult.Accepted(body.TryGetProperty("id", out var accepted) ? accepted.ToString() : id);
    }

    /// <summary>SMSC accepts up to 40 characters of letters, digits, '-', '_' and '.'; our message id fits and is stable per key.</summary>
    public static string SmscId(SmsSendRequest request) => request.MessageId.ToString("N");
}
