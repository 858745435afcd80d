using System.Text.RegularExpressions;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.BrowserTests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>
/// The real app on a loopback port (Kestrel) and Debian's Chromium driven by Playwright. Chromium is installed
/// with apt when missing and we are root; Playwright's own browser download does not work on these machines.
/// </summary>
public sealed class BrowserFixture : AppFixture
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public static string ScreenshotDir { get; } = FindScreenshotDir();

    public override async Task InitializeAsync()
    {
        await EnsureChromiumAsync();
        await base.InitializeAsync();
        BaseUrl = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        _playwright = await Playwright.CreateAsync();
        // The suite runs beside the integration tests on two cores: a cold page can take seconds. Generous waits keep
        // the flows honest without timing assertions.
        Assertions.SetDefaultExpectTimeout(20_000);
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    protected override PhoneCrmFactory CreateFactory(string connectionString)
    {
        // A port known before start, so links in SMS texts (App:PublicBaseUrl) lead to this very app. Every browser comes
        // from one loopback address: the per-address limit of the public pages (10 a minute) would make the flows that open
        // those pages fail each other, so the browser suite gets a higher one.
        var port = FreePort();
        var factory = new PhoneCrmFactory(connectionString, new Dictionary<string, string?>
        {
            ["App:PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["RateLimits:PublicForms:PermitLimit"] = "1000",
            // Likewise every sign-in and short-link click of the suite comes from that one address.
            ["RateLimits:SignIn:PermitLimit"] = "1000",
            ["RateLimits:Links:PermitLimit"] = "1000",
        });
        factory.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, port));
        return factory;
    }

    public async Task<IPage> NewPageAsync(string locale = "ru-RU")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Signs a user in on <paramref name="page"/>, with the authenticator code when the user has one. Waits for the answers
    /// to the form posts and for URLs at commit, never for the next page's load event: beside the integration suite on two
    /// cores that event has taken more than 30 s to come (CI runs failed on it); elements are awaited by the tests' own
    /// expectations.
    /// </summary>
    public static Task SignInAsync(IPage page, TestUser user) => SignInAsync(page, user.Email, user.Password, user.AuthenticatorKey);

    public static async Task SignInAsync(IPage page, string email, string password, string? authenticatorKey = null)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Пароль", new() { Exact = true }).FillAsync(password);
        await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.Contains("/account/login", StringComparison.Ordinal));
        if (authenticatorKey is null) return;
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login-2fa"));
        await page.GetByLabel("Код", new() { Exact = true }).FillAsync(Totp.Code(authenticatorKey));
        await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Подтвердить" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.Contains("/account/login-2fa", StringComparison.Ordinal));
    }

    /// <summary>Opens a page from the main menu the way a person does: the group's dropdown first when the item sits in one.</summary>
    public static async Task NavigateAsync(IPage page, string item, string? group = null)
    {
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Основное меню" });
        if (group is not null) await nav.GetByRole(AriaRole.Button, new() { Name = group, Exact = true }).ClickAsync();
        await nav.GetByRole(AriaRole.Link, new() { Name = item, Exact = true }).ClickAsync();
    }

    /// <summary>A full-page screenshot for review, styled when the page's stylesheets arrive in time (never a test failure if not).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        try
        {
            await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }

    private static async Task EnsureChromiumAsync()
    {
        if (File.Exists(ChromiumPath)) return;
        if (Environment.UserName != "root")
            throw new InvalidOperationException($"Chromium is missing at {ChromiumPath}: run 'sudo apt-get install -y chromium'.");
        foreach (var args in new[] { "update -qq", "install -y -qq chromium" })
        {
            using var p = Process.Start(new ProcessStartInfo("apt-get", args) { UseShellExecute = false })!;
            await p.WaitForExitAsync();
        }

        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException("apt-get could not install chromium.");
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string FindScreenshotDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PhoneCrm.sln"))) dir = dir.Parent;
        var path = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}
