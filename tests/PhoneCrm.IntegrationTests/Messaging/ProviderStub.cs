using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhoneCrm.IntegrationTests.Messaging;

/// <summary>
/// SMS.ru and SMSC.ru look-alikes on 127.0.0.1 that record every request. Behaviour is chosen by the last four digits of
/// the number: 0001 a permanent error, 0002 HTTP 500 (SMS.ru: always; SMSC: the first time per id), 0003 SMS.ru
/// "service unavailable" (220), 0009 SMSC "duplicate request" (9); anything else is accepted. SMSC HLR statuses
/// (<c>/sys/status.php</c>): 0404 does not exist (status 20, err 1), 0505 is still pending (-1), anything else is active (1).
/// </summary>
public sealed class ProviderStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _counter;

    public sealed record Request(string Path, IReadOnlyDictionary<string, string> Form);

    public ConcurrentQueue<Request> Requests { get; } = new();
    /// <summary>SMSC messages by our <c>id</c>, as SMSC would keep them (one per id).</summary>
    public ConcurrentDictionary<string, int> SmscMessages { get; } = new();

    private ProviderStub(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<ProviderStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new ProviderStub(app);
        app.MapPost("/sms/send", stub.SmsRuAsync);
        app.MapPost("/sys/send.php", stub.SmscAsync);
        app.MapPost("/sys/status.php", stub.SmscStatusAsync);
        await app.StartAsync();
        stub.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return stub;
    }

    public IReadOnlyList<Request> For(string path, string phoneDigits) =>
        Requests.Where(r => r.Path == path && (r.Form.GetValueOrDefault("to") ?? r.Form.GetValueOrDefault("phones")) == phoneDigits).ToList();

    /// <summary>SMS.ru's callback post: <c>data[N]</c> form fields, each an event's lines joined by <c>\n</c>.</summary>
    public static async Task<HttpResponseMessage> PostSmsRuCallbackAsync(HttpClient target, string url, params string[] entries) =>
        await target.PostAsync(new Uri(url).PathAndQuery,
            new FormUrlEncodedContent(entries.Select((e, i) => new KeyValuePair<string, string>($"data[{i}]", e))));

    /// <summary>An SMS.ru receipt entry: <c>sms_status</c>, the sms_id, the status code, unix time.</summary>
    public static string SmsRuStatus(string smsId, int code, DateTimeOffset at) => $"sms_status\n{smsId}\n{code}\n{at.ToUnixTimeSeconds()}";

    /// <summary>An SMS.ru reply entry: <c>sms_inbox</c>, its id, the sender's digits, the text, unix time.</summary>
    public static string SmsRuInbox(string id, string fromDigits, string text, DateTimeOffset at) =>
        $"sms_inbox\n{id}\n{fromDigits}\n{text}\n{at.ToUnixTimeSeconds()}";

    /// <summary>SMSC's callback: one event's fields as a form post.</summary>
    public static async Task<HttpResponseMessage> PostSmscCallbackAsync(HttpClient target, string url, IDictionary<string, string> fields) =>
        await target.PostAsync(new Uri(url).PathAndQuery, new FormUrlEncodedContent(fields));

    private async Task<IResult> SmsRuAsync(HttpRequest http)
    {
        var form = await RecordAsync(http);
        var to = form.GetValueOrDefault("to") ?? "";
        if (to.EndsWith("0002", StringComparison.Ordinal)) return Results.StatusCode(500);
        if (form.GetValueOrDefault("api_id") != "smsru-api-id")
            return Results.Json(new { status = "ERROR", status_code = 200, status_text = "Неправильный api_id" });
        if (to.EndsWith("0003", StringComparison.Ordinal))
            return Results.Json(new { status = "ERROR", status_code = 220, status_text = "Сервис временно недоступен" });
        object item = to.EndsWith("0001", StringComparison.Ordinal)
            ? new { status = "ERROR", status_code = 207, status_text = "На этот номер нельзя отправлять сообщения" }
            : new { status = "OK", status_code = 100, sms_id = $"000000-{Interlocked.Increment(ref _counter):D6}" };
        return Results.Json(new { status = "OK", status_code = 100, sms = new Dictionary<string, object> { [to] = item }, balance = 100.5 });
    }

    private async Task<IResult> SmscAsync(HttpRequest http)
    {
        var form = await RecordAsync(http);
        var phones = form.GetValueOrDefault("phones") ?? "";
        var id = form.GetValueOrDefault("id") ?? "";
        if (form.GetValueOrDefault("login") != "smsc-login" || form.GetValueOrDefault("psw") != "smsc-password")
            return Results.Json(new { error = "authorise error", error_code = 2 });
        if (phones.EndsWith("0001", StringComparison.Ordinal)) return Results.Json(new { error = "invalid number", error_code = 7, id });
        if (phones.EndsWith("0009", StringComparison.Ordinal)) return Results.Json(new { error = "duplicate request", error_code = 9, id });
        if (phones.EndsWith("0002", StringComparison.Ordinal) && Requests.Count(r => r.Form.GetValueOrDefault("id") == id) == 1)
            return Results.StatusCode(503);
        SmscMessages.AddOrUpdate(id, 1, (_, n) => n); // SMSC keeps one message per id
        return Results.Json(new { id, cnt = 1 });
    }

    private async Task<IResult> SmscStatusAsync(HttpRequest http)
    {
        var form = await RecordAsync(http);
        return Results.Json((form.GetValueOrDefault("phone") ?? "").Split(',').Select(p => new
        {
            phone = p,
            status = p.EndsWith("0404", StringComparison.Ordinal) ? 20 : p.EndsWith("0505", StringComparison.Ordinal) ? -1 : 1,
            err = p.EndsWith("0404", StringComparison.Ordinal) ? 1 : 0,
        }));
    }

    private async Task<Dictionary<string, string>> RecordAsync(HttpRequest http)
    {
        var form = (await http.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        Requests.Enqueue(new Request(http.Path, form));
        return form;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
