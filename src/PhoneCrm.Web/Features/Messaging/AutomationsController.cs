using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Messaging.Automations;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>Triggered messages: a Marketer switches each built-in automation on, edits its text and delay, and sees its runs.</summary>
[Route("automations")]
public sealed class AutomationsController(AutomationSettings settings, AuditLog audit, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed class EditForm
    {
        public bool Enabled { get; set; }
        public string? Text { get; set; }
        public string? FollowUpText { get; set; }
        public int? DelayMinutes { get; set; }
        public string? Category { get; set; }
        public string? PromoCode { get; set; }
    }

    public sealed record IndexModel(IReadOnlyList<Automation> Automations, IReadOnlyDictionary<string, Dictionary<string, int>> Counts);

    public sealed record EditModel(AutomationKind Kind, EditForm Form, IReadOnlyDictionary<string, string> Errors, IReadOnlyList<AutomationRun> Runs);

    [HttpGet(""), RequirePermission(Permission.CampaignsRead)]
    public async Task<IActionResult> Index(CancellationToken ct) =>
        View(new IndexModel(await settings.ListAsync(ct), await settings.RunCountsAsync(ct)));

    [HttpGet("{kind}"), RequirePermission(Permission.CampaignsRead)]
    public async Task<IActionResult> Edit(string kind, CancellationToken ct)
    {
        if (await settings.GetAsync(kind, ct) is not { } a) return NotFound();
        var form = new EditForm
        {
            Enabled = a.Enabled, Text = a.Text, FollowUpText = a.FollowUpText, DelayMinutes = a.DelayMinutes, Category = a.Category,
            PromoCode = a.PromoCode,
        };
        return View(await EditModelAsync(kind, form, new Dictionary<string, string>(), ct));
    }

    [HttpPost("{kind}"), RequirePermission(Permission.CampaignsWrite)]
    public async Task<IActionResult> Save(string kind, EditForm form, CancellationToken ct)
    {
        if (AutomationKind.Find(kind) is null) return NotFound();
        var (saved, errors) = await settings.SaveAsync(kind,
            new AutomationInput(form.Enabled, form.Text, form.FollowUpText, form.DelayMinutes, form.Category, form.PromoCode), ct);
        if (saved is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            var messages = t.Messages(errors);
            return View(nameof(Edit), await EditModelAsync(kind, form, messages, ct));
        }

        await audit.WriteAsync(AuditActions.Update, "automation", kind, saved.Enabled ? "enabled" : "disabled", ct);
        Flash(t["Automation saved."]);
        return Redirect("/automations");
    }

    private async Task<EditModel> EditModelAsync(string kind, EditForm form, IReadOnlyDictionary<string, string> errors, CancellationToken ct) =>
        new(AutomationKind.Find(kind)!, form, errors, await settings.RecentRunsAsync(kind, 50, ct));
}
