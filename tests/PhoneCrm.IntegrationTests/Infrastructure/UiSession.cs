using System.Net;
using System.Text.RegularExpressions;

namespace PhoneCrm.IntegrationTests.Infrastructure;

/// <summary>Drives the server-rendered UI like a browser without JavaScript: cookies, CSRF tokens, forms.</summary>
public sealed partial class UiSession(HttpClient client) : IDisposable
{
    public HttpClient Client { get; } = client;

    public async Task SignInAsync(TestUser user)
    {
        var response = await PostFormAsync("/account/login", new() { ["Email"] = user.Email, ["Password"] = user.Password },
            tokenFrom: "/account/login");
        if (response.Headers.Location?.OriginalString.StartsWith("/account/login-2fa", StringComparison.Ordinal) == true)
        {
            response = await PostFormAsync("/account/login-2fa",
                new() { ["Code"] = Totp.Code(user.AuthenticatorKey ?? throw new InvalidOperationException("No authenticator")) },
                tokenFrom: "/account/login-2fa");
        }

        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in failed for {user.Email}: {(int)response.StatusCode}");
    }

    public async Task<string> TokenAsync(string page)
    {
        var html = await Client.GetStringAsync(page);
        var match = TokenRegex().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"No antiforgery token on {page}");
    }

    public async Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields, string tokenFrom = "/account/login")
    {
        var all = new List<KeyValuePair<string, string>>(fields) { new("__RequestVerificationToken", await TokenAsync(tokenFrom)) };
        return await Client.PostAsync(path, new FormUrlEncodedContent(all));
    }

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(path);

    public void Dispose() => Client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();
}
