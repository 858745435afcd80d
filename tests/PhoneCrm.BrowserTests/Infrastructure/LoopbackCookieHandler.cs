namespace PhoneCrm.BrowserTests.Infrastructure;

/// <summary>
/// Cookies for an <see cref="HttpClient"/> driving the real Kestrel on http://127.0.0.1 as a browser does: outside
/// Development the app's cookies are Secure, which browsers still send to a loopback address (a secure context) but
/// <see cref="System.Net.CookieContainer"/> sends only over https. One jar per session, by cookie name (one host).
/// </summary>
public sealed class LoopbackCookieHandler() : DelegatingHandler(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
{
    private readonly Dictionary<string, string> _jar = new(StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_jar)
        {
            if (_jar.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _jar.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            lock (_jar)
            {
                foreach (var cookie in cookies) Remember(cookie);
            }
        }

        return response;
    }

    private void Remember(string setCookie)
    {
        var pair = setCookie.Split(';', 2)[0];
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) return;
        var (name, value) = (pair[..eq].Trim(), pair[(eq + 1)..].Trim());
        var expired = setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase) || value.Length == 0;
        if (expired) _jar.Remove(name);
        else _jar[name] = value;
    }
}
