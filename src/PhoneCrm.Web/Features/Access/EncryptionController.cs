using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Web.Features.Access;

/// <summary>Encryption at rest: which key is active, how many values each key still protects, rotation.</summary>
[Route("settings/encryption"), RequirePermission(Permission.SettingsManage)]
public sealed class EncryptionController(PiiRotation rotation, IStringLocalizer<SharedResource> t) : UiController
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await rotation.StatusAsync(ct));

    [HttpPost("rotate")]
    public async Task<IActionResult> Rotate(CancellationToken ct)
    {
        var keyId = await rotation.RotateAsync(ct);
        Flash(t["New key {0} is active; stored data is being re-encrypted in the background.", keyId]);
        return RedirectToAction(nameof(Index));
    }
}
