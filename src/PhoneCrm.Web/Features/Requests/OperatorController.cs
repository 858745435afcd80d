using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The Admin's form for the operator's legal name and address, printed on acts of destruction.</summary>
[Route("settings/operator"), RequirePermission(Permission.SettingsManage)]
public sealed class OperatorController(OperatorSettings details, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record PageModel(string? LegalName, string? LegalAddress, string TenantName, IReadOnlyDictionary<string, string[]> Errors);

    [HttpGet("")]
    public async Task<IActionResult> IndexAsync(CancellationToken ct)
    {
        var current = await details.GetAsync(ct);
        return View("Index", new PageModel(current.LegalName, current.LegalAddress, current.TenantName, new Dictionary<string, string[]>()));
    }

    [HttpPost("")]
    public async Task<IActionResult> SaveAsync(string? legalName, string? legalAddress, CancellationToken ct)
    {
        var errors = await details.SaveAsync(legalName, legalAddress, ct);
        if (!errors.IsValid)
        {
            var current = await details.GetAsync(ct);
            var page = View("Index", new PageModel(legalName, legalAddress, current.TenantName, errors.ByField));
            page.StatusCode = StatusCodes.Status400BadRequest;
            return page;
        }

        Flash(t["Operator details saved."]);
        return Redirect("/settings/operator");
    }
}
