using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Tenancy;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>api-v1 "Capture forms": create and list the tenant's hosted forms (scope <c>consents</c>).</summary>
[Tags("CaptureForms")]
public sealed class CaptureFormsApiController(CaptureForms forms, TenantContext tenant, AuditLog audit) : ApiV1Controller
{
    public sealed class CreateRequest
    {
        public string? Name { get; set; }
        public List<string>? Purposes { get; set; }
        public Guid? TextVersionId { get; set; }
        public string? RedirectUrl { get; set; }
        /// <summary>Extension: the privacy policy linked under the form.</summary>
        public string? PrivacyPolicyUrl { get; set; }
        /// <summary>Extension: the text shown after confirmation.</summary>
        public string? ThankYouText { get; set; }
    }

    public sealed record CreatedResponse(Guid Id, string Key, string PublicUrl);

    public sealed record FormItem(Guid Id, string Key, string PublicUrl, string Name, IReadOnlyList<string> Purposes, Guid TextVersionId,
        string? RedirectUrl, int Version, bool Active, DateTime CreatedAt);

    public sealed record ListResponse(IReadOnlyList<FormItem> Items);

    [HttpPost("capture-forms")]
    [RequirePermission(Permission.ConsentWrite)]
    [RequestBodyLimit(16 * 1024)]
    [ProducesResponseType<CreatedResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> CreateAsync([FromBody] CreateRequest? request, CancellationToken ct)
    {
        request ??= new CreateRequest();
        var (form, errors) = await forms.CreateFromApiAsync(request.Name, request.Purposes, request.TextVersionId, request.RedirectUrl,
            request.PrivacyPolicyUrl, request.ThankYouText, ct);
        if (form is null) return ValidationProblemJson(errors);
        await audit.WriteAsync(AuditActions.Create, "capture_form", form.Id.ToString(),
            $"api; version={form.Version};purposes={string.Join('|', form.PurposeCodes)};text={form.TextVersionId}", ct);
        return Created($"/api/v1/capture-forms/{form.Id}", new CreatedResponse(form.Id, form.Key, PublicUrl(form)));
    }

    [HttpGet("capture-forms")]
    [RequirePermission(Permission.ConsentRead)]
    [ProducesResponseType<ListResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> ListAsync(CancellationToken ct) =>
        Ok(new ListResponse((await forms.ListAsync(ct)).Select(f => new FormItem(f.Id, f.Key, PublicUrl(f), f.Name, f.PurposeCodes, f.TextVersionId,
            f.RedirectUrl, f.Version, f.Active, f.CreatedAt.UtcDateTime)).ToList()));

    private string PublicUrl(CaptureForm form) => $"{Request.Scheme}://{Request.Host}/f/{tenant.RequireTenant()}/{form.Key}";
}
