using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Web.Features.Access;

/// <summary>Encryption at rest: which key is active, how many values each key still protects, rotation.</summary>
[Route("settings/encryption"), RequirePermission(Permission.SettingsManage)]
public sealed class EncryptionController(PiiRotation rotation, PiiKeyRing ring, IBackgroundJobClient jobs, AuditLog audit,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record IndexModel(string ActiveKeyId, IReadOnlyCollection<string> KeyIds, IReadOnlyDictionary<string, long> ValuesByKey);

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) =>
        View(new IndexModel(ring.ActiveKeyId, ring.KeyIds, await rotation.CountByKeyAsync(ct)));

    [HttpPost("rotate")]
    public async Task<IActionResult> Rotate(CancellationToken ct)
    {
        var keyId = rotation.Rotate(jobs);
        await audit.WriteAsync("encryption.key_rotated", "pii_key", keyId, ct: ct);
        Flash(t["New key {0} is active; stored data is being re-encrypted in the background.", keyId]);
        return RedirectToAction(nameof(Index));
    }
}
