using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PhoneCrm.IntegrationTests.Infrastructure;

/// <summary>The app as a real separate process (the built PhoneCrm.Web.dll), for CLI and crash tests.</summary>
public sealed class WebProcess : IAsyncDisposable
{
    private readonly Process _process;

    private WebProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<WebProcess> StartAsync(PhoneCrmFactory factory, IDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var psi = Psi(factory);
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var web = new WebProcess(process, $"http://127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The app exited with {process.ExitCode}");
            try
            {
                if ((await http.GetAsync(web.BaseUrl + "/health/ready")).IsSuccessStatusCode) return web;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        await web.DisposeAsync();
        throw new TimeoutException("The app did not become ready.");
    }

    /// <summary>What a power cut or OOM killer does: SIGKILL, no shutdown hooks.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) KillHard();
        _process.Dispose();
        await Task.CompletedTask;
    }

    /// <summary>Runs a CLI verb to completion.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(PhoneCrmFactory factory, params string[] args) =>
        RunAsync(factory, new Dictionary<string, string>(), args);

    /// <summary>Runs a CLI verb to completion with extra environment (e.g. another connection string).</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(PhoneCrmFactory factory, IDictionary<string, string> environment, params string[] args)
    {
        var psi = Psi(factory);
        psi.Environment["Jobs__Server"] = "false";
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo Psi(PhoneCrmFactory factory)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(WebDll());
        psi.Environment["ConnectionStrings__PhoneCrm"] = factory.ConnectionString;
        psi.Environment["Protection__KeyFile"] = factory.KeyFile;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        return psi;
    }

    /// <summary>The web project's own build output, next to this test's (same configuration).</summary>
    private static string WebDll()
    {
        var dir = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = dir.Parent!.Name; // …/bin/{Configuration}/net10.0
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PhoneCrm.sln"))) dir = dir.Parent;
        var dll = Path.Combine(dir!.FullName, "src", "PhoneCrm.Web", "bin", configuration, "net10.0", "PhoneCrm.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the web project first", dll);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
