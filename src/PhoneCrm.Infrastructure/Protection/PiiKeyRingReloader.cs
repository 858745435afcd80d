using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// Keeps this node's key ring in step with the shared key file: after another node rotates, this one starts writing
/// under the new key within <c>Protection:ReloadSeconds</c> (default 5) — no restart. Reading a value under a key this
/// node has not seen yet reloads at once (<see cref="PiiProtector.Decrypt"/>), so nothing waits for the timer.
/// </summary>
public sealed partial class PiiKeyRingReloader(PiiKeyRing ring, IConfiguration config, ILogger<PiiKeyRingReloader> log) : BackgroundService
{
    public const int DefaultReloadSeconds = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (ring.KeyFile is null) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, config.GetValue("Protection:ReloadSeconds", DefaultReloadSeconds))));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (ring.Refresh()) LogReloaded(ring.ActiveKeyId);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // A half-visible or unreadable file: keep the ring we have (it still decrypts everything we wrote) and retry.
                LogReloadFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PII key ring reloaded from the key file; active key {KeyId}")]
    private partial void LogReloaded(string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PII key file could not be re-read; keeping the current ring")]
    private partial void LogReloadFailed(Exception e);
}
