using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PhoneCrm.Bench;

/// <summary>The built web app (<c>src/PhoneCrm.Web/bin/Release/net10.0/PhoneCrm.Web.dll</c>, or PHONECRM_BENCH_WEB) as
/// its own process on a free loopback port, with production settings and the bench's cluster and key file; with
/// <c>jobsServer</c> it also runs its Hangfire server, as a single-node deployment does.</summary>
public sealed class WebProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private WebProcess(Process process, StreamWriter log, Uri baseAddress, string logFile)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        LogFile = logFile;
    }

    public Uri BaseAddress { get; }
    public string LogFile { get; }
    public int ProcessId => _process.Id;

    public static async Task<WebProcess> StartAsync(BenchCluster cluster, string keyFile, bool jobsServer = false)
    {
        var dll = FindWebDll();
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var info = StartInfo(dll, cluster, keyFile, ["--urls", baseAddress.ToString()]);
        info.Environment["Jobs__Server"] = jobsServer ? "true" : "false";
        info.Environment["RateLimits__SignIn__PermitLimit"] = "1000";
        var logFile = Path.Combine(cluster.Root, "web.log");
        var log = new StreamWriter(logFile, append: false) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var web = new WebProcess(process, log, baseAddress, logFile);
        using var probeClient = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await web.DisposeAsync();
                throw new InvalidOperationException($"The web app exited with {process.ExitCode}; see {logFile}");
            }

            try
            {
                if ((await probeClient.GetAsync("/health/live")).IsSuccessStatusCode) return web;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                await web.DisposeAsync();
                throw new TimeoutException($"The web app did not answer within 3 minutes; see {logFile}");
            }

            await Task.Delay(500);
        }
    }

    /// <summary>One CLI verb of the web app (e.g. <c>tenant create</c>) against the bench's cluster; its standard output.</summary>
    public static async Task<string> RunCliAsync(BenchCluster cluster, string keyFile, params string[] args)
    {
        var info = StartInfo(FindWebDll(), cluster, keyFile, args);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{string.Join(' ', args)}' exited with {process.ExitCode}: {await error}");
        return await output;
    }

    /// <summary>The process's peak resident set (kernel high-water mark, VmHWM) in bytes, or -1 off Linux.</summary>
    public long PeakResidentSet()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? -1 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>Resets the process's peak resident set to its current size (Linux: <c>5</c> to clear_refs).</summary>
    public bool ResetPeakResidentSet()
    {
        try
        {
            File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static ProcessStartInfo StartInfo(string dll, BenchCluster cluster, string keyFile, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ConnectionStrings__PhoneCrm"] = cluster.ConnectionString;
        info.Environment["Protection__KeyFile"] = keyFile;
        return info;
    }

    private static string FindWebDll()
    {
        if (Environment.GetEnvironmentVariable("PHONECRM_BENCH_WEB") is { Length: > 0 } configured) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "src", "PhoneCrm.Web", "bin", "Release", "net10.0", "PhoneCrm.Web.dll");
            if (File.Exists(dll)) return dll;
        }

        throw new FileNotFoundException("PhoneCrm.Web.dll not found: build src/PhoneCrm.Web -c Release, or set PHONECRM_BENCH_WEB");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
