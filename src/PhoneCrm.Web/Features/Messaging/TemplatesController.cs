using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Web.Features.Contacts;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>Saved SMS templates with a live character/segment counter and a preview rendered for a sample contact.</summary>
[Route("templates")]
public sealed class TemplatesController(MessageTemplates templates, ConsentPurposes purposes, AuditLog audit, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed class TemplateForm
    {
        public string? Name { get; set; }
        public string? Purpose { get; set; } = ConsentTerms.Marketing;
        public string? Category { get; set; } = SmsCategories.Promotional;
        public string? Text { get; set; }
    }

    public sealed record EditModel(Guid? Id, TemplateForm Form, IReadOnlyList<ConsentPurpose> Purposes, IReadOnlyDictionary<string, string> Errors);

    /// <summary>The counter and preview under the text field.</summary>
    public sealed record MeasureModel(SmsLength Length, string Preview, string SampleName, bool NeedsOptOut, bool HasOptOut);

    [HttpGet(""), RequirePermission(Permission.CampaignsRead)]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await templates.ListAsync(ct));

    [HttpGet("new"), RequirePermission(Permission.CampaignsWrite)]
    public async Task<IActionResult> New(CancellationToken ct) => View("Edit", await ModelAsync(null, new TemplateForm(), new Dictionary<string, string>(), ct));

    [HttpGet("{id:guid}"), RequirePermission(Permission.CampaignsRead)]
    public async Task<IActionResult> Edit(Guid id, CancellationToken ct)
    {
        if (await templates.GetAsync(id, ct) is not { } row) return NotFound();
        var form = new TemplateForm { Name = row.Name, Purpose = row.Purpose, Category = row.Category, Text = row.Text };
        return View(await ModelAsync(id, form, new Dictionary<string, string>(), ct));
    }

    [HttpPost("new"), RequirePermission(Permission.CampaignsWrite)]
    public Task<IActionResult> Create(TemplateForm form, CancellationToken ct) => SaveAsync(null, form, ct);

    [HttpPost("{id:guid}"), RequirePermission(Permission.CampaignsWrite)]
    public Task<IActionResult> Update(Guid id, TemplateForm form, CancellationToken ct) => SaveAsync(id, form, ct);

    [HttpPost("{id:guid}/delete"), RequirePermission(Permission.CampaignsWrite)]
    public async Task<IActionResult> Delete(Guid id, CancellationToken ct)
    {
        if (!await templates.DeleteAsync(id, ct)) return NotFound();
        await audit.WriteAsync(AuditActions.Delete, "message_template", id.ToString(), null, ct);
        Flash(t["Template deleted."]);
        return Redirect("/templates");
    }

    /// <summary>
    /// htmx, for the template, campaign and automation editors: counts characters and segments of the text as written
    /// (what the API reports as <c>segmentsPerMessage</c>) and renders it for a sample contact.
    /// </summary>
    [HttpPost("measure"), RequirePermission(Permission.CampaignsRead)]
    public async Task<IActionResult> Measure(TemplateForm form, CancellationToken ct)
    {
        var text = form.Text ?? "";
        var (sampleName, values) = await SampleAsync(ct);
        var preview = SmsTemplate.Render(text, values);
        var marketing = form.Purpose != ConsentTerms.Transactional && (form.Purpose == ConsentTerms.Marketing || form.Category == SmsCategories.Promotional);
        return PartialView("_Measure",
            new MeasureModel(SmsText.Measure(text), preview, sampleName, marketing, OptOutRule.HasOptOutInstruction(text)));
    }

    private async Task<IActionResult> SaveAsync(Guid? id, TemplateForm form, CancellationToken ct)
    {
        var (saved, errors) = await templates.SaveAsync(id, form.Name, form.Purpose, form.Category, form.Text, ct);
        if (saved is null && errors.IsValid) return NotFound();
        if (saved is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View("Edit", await ModelAsync(id, form, t.Messages(errors), ct));
        }

        await audit.WriteAsync(id is null ? AuditActions.Create : AuditActions.Update, "message_template", saved.Id.ToString(), null, ct);
        Flash(t["Template saved."]);
        return Redirect("/templates");
    }

    private async Task<EditModel> ModelAsync(Guid? id, TemplateForm form, IReadOnlyDictionary<string, string> errors, CancellationToken ct) =>
        new(id, form, await purposes.ListAsync(ct), errors);

    /// <summary>
    /// The newest contact with a first name, when the reader may see names (the read is audited); otherwise made-up values.
    /// </summary>
    private async Task<(string Name, Dictionary<string, string?> Values)> SampleAsync(CancellationToken ct)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["firstName"] = t["Anna"], ["lastName"] = t["Smirnova"], ["orderNumber"] = "1001", ["amount"] = "4990",
            ["promoCode"] = "SNEG23", ["trackingNumber"] = "RA123456789RU", ["link"] = "https://s.example/a1B2c", ["appointmentAt"] = "01.12.2026 10:00",
            ["unsubscribeLink"] = "https://s.example/u/x1",
        };
        if (!ContactAccess.PersonalForAll(User)) return (t["sample values"], values);
        var view = await templates.PreviewContactAsync(ct);
        if (view is null) return (t["sample values"], values);
        await audit.WriteAsync(AuditActions.Read, "contact", view.Id.ToString(), "template preview", ct);
        values["firstName"] = view.FirstName;
        values["lastName"] = view.LastName;
        return (view.FullName, values);
    }
}
