using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>Admin page for the send policy's parameters (same service and validation as the API).</summary>
[Route("settings/sending"), RequirePermission(Permission.SettingsManage)]
public sealed class SendingSettingsController(SendingSettingsService settings, AuditLog audit, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record PageModel(SendingSettingsDto Settings, IReadOnlyDictionary<string, string[]> Errors);

    [HttpGet("")]
    public async Task<IActionResult> IndexAsync(CancellationToken ct) =>
        View("Index", new PageModel(SendingSettingsDto.From(await settings.GetAsync(ct)), new Dictionary<string, string[]>()));

    [HttpPost("")]
    public async Task<IActionResult> SaveAsync(string? timeZone, string? from, string? to, List<string>? days, int? perDay, int? informationalPerWeek,
        int? promotionalPerMonth, CancellationToken ct)
    {
        var dto = new SendingSettingsDto
        {
            TimeZone = timeZone,
            MarketingWindow = new SendingSettingsDto.WindowDto { From = from, To = to, Days = days ?? [] },
            Caps = new SendingSettingsDto.CapsDto { PerDay = perDay, InformationalPerWeek = informationalPerWeek, PromotionalPerMonth = promotionalPerMonth },
        };
        var (saved, errors) = await settings.SaveAsync(dto, ct);
        if (saved is null) return View("Index", new PageModel(dto, errors.ByField));
        await audit.WriteAsync(AuditActions.Update, "sending_settings", null, "ui", ct);
        Flash(t["Sending settings saved."]);
        return Redirect("/settings/sending");
    }

    public static IReadOnlyList<string> Days => WeekDays.All;
}
