using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>Admin settings: the tenant's purposes and consent text versions (152-FZ Art. 9 p.4 parts all required).</summary>
[Route("settings/consent"), RequirePermission(Permission.ConsentManage)]
public sealed class ConsentSettingsController(ConsentPurposes purposes, ConsentTexts texts, AuditLog audit, IStringLocalizer<SharedResource> t)
    : UiController
{
    public sealed class TextForm
    {
        public string? OperatorName { get; set; }
        public string? OperatorAddress { get; set; }
        public string? Purposes { get; set; }
        public string? DataList { get; set; }
        public string? ActionsAndMethods { get; set; }
        public string? Term { get; set; }
        public string? Withdrawal { get; set; }
        public string? Body { get; set; }
        public List<string> PurposeCodes { get; set; } = [];

        public ConsentTextContent ToContent() => new(OperatorName ?? "", OperatorAddress ?? "", Purposes ?? "", DataList ?? "",
            ActionsAndMethods ?? "", Term ?? "", Withdrawal ?? "", Body ?? "");
    }

    public sealed record IndexModel(IReadOnlyList<ConsentPurpose> Purposes, IReadOnlyList<ConsentTextVersion> Versions, TextForm Form,
        IReadOnlyDictionary<string, string> Errors);

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await ModelAsync(new TextForm(), new Dictionary<string, string>(), ct));

    /// <summary>Always a new version: texts already cited by consents stay exactly as they were shown.</summary>
    [HttpPost("texts")]
    public async Task<IActionResult> CreateText(TextForm form, CancellationToken ct)
    {
        var (version, errors) = await texts.CreateAsync(form.ToContent(), form.PurposeCodes, ct);
        if (version is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            var messages = errors.ToDictionary(e => e.Key, e => e.Value == "too long"
                ? t["This part is too long."].Value
                : string.Format(t["Required by 152-FZ Art. 9 p.4: {0}."].Value, t[e.Value].Value));
            return View(nameof(Index), await ModelAsync(form, messages, ct));
        }

        await audit.WriteAsync(AuditActions.Create, "consent_text_version", version.Id.ToString(), $"hash={version.Hash}", ct);
        Flash(t["Consent text version saved."]);
        return Redirect("/settings/consent#versions");
    }

    private async Task<IndexModel> ModelAsync(TextForm form, IReadOnlyDictionary<string, string> errors, CancellationToken ct) =>
        new(await purposes.ListAsync(ct), await texts.ListAsync(ct), form, errors);
}
