using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Platform;

/// <summary>Encryption at rest for the whole installation: the active key, what each key still protects, rotation.</summary>
[Route("platform/encryption"), RequirePermission(Permission.PlatformOperations)]
public sealed class EncryptionController(PiiRotation rotation, IStringLocalizer<SharedResource> t) : UiController
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await rotation.StatusAsync(ct));

    [HttpPost("rotate")]
    public async Task<IActionResult> Rotate()
    {
        try
        {
            var keyId = await rotation.RotateAsync();
            Flash(t["New key {0} is active; stored data is being re-encrypted in the background.", keyId]);
        }
        catch (PiiRotationRefusedException)
        {
            FlashError(t["Rotation is refused: keys come from configuration. Follow the runbook on this page."]);
        }

        return RedirectToAction(nameof(Index));
    }

    [HttpPost("reencrypt")]
    public IActionResult Reencrypt()
    {
        rotation.QueueReencryption();
        Flash(t["Stored data is being re-encrypted under the active key in the background."]);
        return RedirectToAction(nameof(Index));
    }
}
