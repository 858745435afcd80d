using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// The Admin's protections of public pages and links: the regions whose mobile numbers get codes, the daily code budget
/// of the capture forms, and the hosts campaign links and form redirects may point to.
/// </summary>
[Route("settings/public"), RequirePermission(Permission.SettingsManage)]
public sealed class PublicSafetyController(PublicSafetySettings settings, AuditLog audit, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record PageModel(string CodeRegions, string DailyCodeBudget, int DefaultBudget, string LinkDomains,
        IReadOnlyDictionary<string, string[]> Errors);

    [HttpGet("")]
    public async Task<IActionResult> IndexAsync(CancellationToken ct)
    {
        var current = await settings.GetAsync(ct);
        return View("Index", new PageModel(string.Join(", ", current.CodeRegions), current.DailyCodeBudgetOverride?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            settings.DefaultBudget, string.Join("\n", current.LinkDomains), new Dictionary<string, string[]>()));
    }

    [HttpPost("")]
    public async Task<IActionResult> SaveAsync(string? codeRegions, string? dailyCodeBudget, string? linkDomains, CancellationToken ct)
    {
        var errors = await settings.SaveAsync(new PublicSafetyInput(codeRegions, dailyCodeBudget, linkDomains), ct);
        if (!errors.IsValid)
        {
            var page = View("Index", new PageModel(codeRegions ?? "", dailyCodeBudget ?? "", settings.DefaultBudget, linkDomains ?? "", errors.ByField));
            page.StatusCode = StatusCodes.Status400BadRequest;
            return page;
        }

        await audit.WriteAsync(AuditActions.Update, "public_safety", null, $"regions={codeRegions};budget={dailyCodeBudget};domains={linkDomains}", ct);
        Flash(t["Settings saved."]);
        return Redirect("/settings/public");
    }
}
