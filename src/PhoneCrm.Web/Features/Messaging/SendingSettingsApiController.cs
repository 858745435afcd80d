using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>Sending settings of api-v1.md: the tenant's send-policy parameters (admin scope).</summary>
[Route("api/v1/settings/sending")]
[Tags("SendingSettings")]
public sealed class SendingSettingsApiController(SendingSettingsService settings, AuditLog audit) : ApiV1Controller
{
    [HttpGet("")]
    [RequirePermission(Permission.SettingsManage)]
    [ProducesResponseType<SendingSettingsDto>(StatusCodes.Status200OK)]
    public async Task<IActionResult> GetAsync(CancellationToken ct) => Ok(SendingSettingsDto.From(await settings.GetAsync(ct)));

    [HttpPut("")]
    [RequirePermission(Permission.SettingsManage)]
    [RequestBodyLimit(64 * 1024)]
    [ProducesResponseType<SendingSettingsDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> PutAsync([FromBody] SendingSettingsDto? request, CancellationToken ct)
    {
        var (saved, errors) = await settings.SaveAsync(request, ct);
        if (saved is null) return ValidationProblemJson(errors);
        await audit.WriteAsync(AuditActions.Update, "sending_settings", null, "api", ct);
        return Ok(SendingSettingsDto.From(saved));
    }
}
