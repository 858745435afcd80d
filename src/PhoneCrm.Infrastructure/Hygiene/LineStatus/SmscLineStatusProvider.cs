using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneCrm.Infrastructure.Messaging;

namespace PhoneCrm.Infrastructure.Hygiene.LineStatus;

/// <summary>
/// SMSC.ru HLR look-ups on the tenant's SMSC account (the same login as <c>SmscProvider</c>): one
/// <c>/sys/send.php?hlr=1&amp;phones=a,b,…&amp;id=…&amp;fmt=3</c> for the batch, then one
/// <c>/sys/status.php?phone=a,b,…&amp;id=…,…&amp;fmt=3</c> that answers an array of <c>{phone, status, err}</c>. Status 1
/// (delivered) is an active line; status 20 (undeliverable) with err 1 ("subscriber does not exist") a disconnected one;
/// anything else — pending (-1, 0), not in the network, an error answer — is unknown and is asked again next quarter.
/// </summary>
public sealed class SmscLineStatusProvider(HttpClient http, SmsSettingsStore settings, IOptions<SmsOptions> options,
    TimeProvider clock, ILogger<SmscLineStatusProvider> logger) : ILineStatusProvider
{
    public const string HttpClientName = "smsc-hlr";
    private const int StatusDelivered = 1;
    private const int StatusUndeliverable = 20;
    private const int ErrNoSuchSubscriber = 1;

    public string Name => LineStatusProviderNames.Smsc;

    public async Task<IReadOnlyDictionary<string, LineState>> CheckAsync(IReadOnlyCollection<string> e164, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(e164);
        var result = e164.Distinct().ToDictionary(n => n, _ => LineState.Unknown);
        if (result.Count == 0) return result;
        var o = options.Value.Smsc;
        var (login, secret) = await settings.CredentialsAsync(ct);
        login ??= o.Login;
        secret ??= o.Secret;
        if (string.IsNullOrEmpty(login) || string.IsNullOrEmpty(secret))
        {
            logger.LogWarning("SMSC login is not configured: line statuses stay unknown");
            return result;
        }

        var digits = result.Keys.ToDictionary(n => n.TrimStart('+'), n => n);
        var phones = string.Join(',', digits.Keys);
        // One id for the whole batch: SMSC keys a message by (phone, id), so the status call names each pair.
        var id = "hlr" + clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var sent = await PostAsync(o.BaseUrl, "sys/send.php", new Dictionary<string, string>
        {
            ["login"] = login, ["psw"] = secret, ["phones"] = phones, ["hlr"] = "1", ["fmt"] = "3", ["id"] = id,
        }, ct);
        if (sent is not { ValueKind: JsonValueKind.Object } || sent.Value.TryGetProperty("error", out _)) return result;

        var statuses = await PostAsync(o.BaseUrl, "sys/status.php", new Dictionary<string, string>
        {
            ["login"] = login, ["psw"] = secret, ["phone"] = phones, ["id"] = string.Join(',', digits.Keys.Select(_ => id)), ["fmt"] = "3",
        }, ct);
        if (statuses is not { ValueKind: JsonValueKind.Array }) return result;
        foreach (var row in statuses.Value.EnumerateArray())
        {
            if (!row.TryGetProperty("phone", out var phone) || !digits.TryGetValue(phone.ToString().TrimStart('+'), out var number)) continue;
            result[number] = (Int(row, "status"), Int(row, "err")) switch
            {
                (StatusDelivered, _) => LineState.Active,
                (StatusUndeliverable, ErrNoSuchSubscriber) => LineState.Disconnected,
                _ => LineState.Unknown,
            };
        }

        return result;
    }

    /// <summary>A number field, which SMSC writes as a number or as a string.</summary>
    private static int? Int(JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) && int.TryParse(v.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private async Task<JsonElement?> PostAsync(string baseUrl, string path, Dictionary<string, string> form, CancellationToken ct)
    {
        using var response = await http.PostAsync(new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), path), new FormUrlEncodedContent(form), ct);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("SMSC HLR {Path} answered HTTP {Status}", path, (int)response.StatusCode);
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(ct));
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "SMSC HLR {Path} sent an unreadable answer", path);
            return null;
        }
    }
}
