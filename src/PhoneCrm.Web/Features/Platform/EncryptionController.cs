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
    public async Task<IActionResult> Rotate(CancellationToken ct)
    {
        var keyId = await rotation.RotateAsync(ct);
        Flash(t["New key {0} is active; stored data is being re-encrypted in the background.", keyId]);
        return RedirectToAction(nameof(Index));
    }
}
