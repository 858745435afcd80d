using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Tenancy;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>Admin: capture forms (fields, purposes offered, text version, thank-you text, redirect), their public URL and snippets.</summary>
[Route("settings/consent/forms"), RequirePermission(Permission.ConsentManage)]
public sealed class CaptureFormsController(
    CaptureForms forms,
    ConsentPurposes purposes,
    ConsentTexts texts,
    TenantContext tenant,
    AuditLog audit,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed class EditForm
    {
        public string? Name { get; set; }
        public bool AskName { get; set; }
        public List<string> PurposeCodes { get; set; } = [];
        public Guid? TextVersionId { get; set; }
        public string? ThankYouText { get; set; }
        public string? RedirectUrl { get; set; }
        public string? PrivacyPolicyUrl { get; set; }
        public bool Active { get; set; } = true;

        public CaptureFormInput ToInput() => new(Name, AskName, PurposeCodes, TextVersionId, ThankYouText, RedirectUrl, PrivacyPolicyUrl, Active);
    }

    public sealed record IndexModel(IReadOnlyList<CaptureForm> Forms, CaptureForm? Editing, EditForm Input, IReadOnlyList<ConsentPurpose> Purposes,
        IReadOnlyList<ConsentTextVersion> Texts, IReadOnlyDictionary<string, string> Errors, Guid TenantId, string BaseUrl);

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) =>
        View(await ModelAsync(null, new EditForm { ThankYouText = t["Thank you, your number has been accepted."] }, new Dictionary<string, string>(), ct));

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Edit(Guid id, CancellationToken ct)
    {
        var form = await forms.GetAsync(id, ct);
        if (form is null) return NotFound();
        var input = new EditForm
        {
            Name = form.Name, AskName = form.AskName, PurposeCodes = form.PurposeCodes, TextVersionId = form.TextVersionId,
            ThankYouText = form.ThankYouText, RedirectUrl = form.RedirectUrl, PrivacyPolicyUrl = form.PrivacyPolicyUrl, Active = form.Active,
        };
        return View(nameof(Index), await ModelAsync(form, input, new Dictionary<string, string>(), ct));
    }

    [HttpPost("")]
    public Task<IActionResult> Create(EditForm input, CancellationToken ct) => SaveAsync(null, input, ct);

    [HttpPost("{id:guid}")]
    public Task<IActionResult> Update(Guid id, EditForm input, CancellationToken ct) => SaveAsync(id, input, ct);

    private async Task<IActionResult> SaveAsync(Guid? id, EditForm input, CancellationToken ct)
    {
        var (form, errors) = await forms.SaveAsync(id, input.ToInput(), ct);
        if (errors.Has("Id")) return NotFound();
        if (form is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            var messages = t.Messages(errors);
            var editing = id is { } existing ? await forms.GetAsync(existing, ct) : null;
            return View(nameof(Index), await ModelAsync(editing, input, messages, ct));
        }

        await audit.WriteAsync(id is null ? AuditActions.Create : AuditActions.Update, "capture_form", form.Id.ToString(),
            $"version={form.Version};purposes={string.Join('|', form.PurposeCodes)};text={form.TextVersionId}", ct);
        Flash(t["Form saved."]);
        return Redirect($"/settings/consent/forms/{form.Id}");
    }

    private async Task<IndexModel> ModelAsync(CaptureForm? editing, EditForm input, IReadOnlyDictionary<string, string> errors, CancellationToken ct) =>
        new(await forms.ListAsync(ct), editing, input, await purposes.ListAsync(ct), await texts.ListAsync(ct), errors, tenant.RequireTenant(),
            $"{Request.Scheme}://{Request.Host}");
}
