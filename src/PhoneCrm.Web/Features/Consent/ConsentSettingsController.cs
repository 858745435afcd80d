using System.Globalization;
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

    public sealed class PurposeForm
    {
        public string? Code { get; set; }
        public string? Name { get; set; }
        public int? ValidityDays { get; set; }
        public int? RetentionDays { get; set; }
        public List<string> AllowedBases { get; set; } = [];
    }

    public sealed record IndexModel(IReadOnlyList<ConsentPurpose> Purposes, IReadOnlyList<ConsentTextVersion> Versions, TextForm Form,
        IReadOnlyDictionary<string, string> Errors)
    {
        public PurposeForm NewPurpose { get; init; } = new() { AllowedBases = ["consent"] };
        public IReadOnlyDictionary<string, string> PurposeErrors { get; init; } = new Dictionary<string, string>();
        public string? PurposeErrorFor { get; init; }
    }

    /// <summary>The page; <c>?from={versionId}</c> starts a new version from an existing one (versions are never edited in place).</summary>
    [HttpGet("")]
    public async Task<IActionResult> Index(Guid? from, CancellationToken ct)
    {
        var form = new TextForm();
        if (from is { } id && (await texts.GetManyAsync([id], ct)).SingleOrDefault() is { } v)
        {
            form = new TextForm
            {
                OperatorName = v.OperatorName, OperatorAddress = v.OperatorAddress, Purposes = v.Purposes, DataList = v.DataList,
                ActionsAndMethods = v.ActionsAndMethods, Term = v.Term, Withdrawal = v.Withdrawal, Body = v.Body, PurposeCodes = v.PurposeCodes,
            };
        }

        return View(await ModelAsync(form, new Dictionary<string, string>(), ct));
    }

    [HttpPost("purposes")]
    public Task<IActionResult> CreatePurpose(PurposeForm form, CancellationToken ct) => SavePurposeAsync(form, create: true, ct);

    [HttpPost("purposes/{code}")]
    public Task<IActionResult> UpdatePurpose(string code, PurposeForm form, CancellationToken ct)
    {
        form.Code = code;
        return SavePurposeAsync(form, create: false, ct);
    }

    [HttpPost("purposes/{code}/delete")]
    public async Task<IActionResult> DeletePurpose(string code, CancellationToken ct)
    {
        var refusal = await purposes.DeleteAsync(code, ct);
        if (refusal == "unknown") return NotFound();
        if (refusal is not null)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            var message = refusal == "built-in" ? t["Built-in purposes cannot be deleted."] : t["This purpose is in use (consents or forms cite it) and cannot be deleted."];
            return View(nameof(Index), await ModelAsync(new TextForm(), new Dictionary<string, string>(), ct) with
            {
                PurposeErrors = new Dictionary<string, string> { ["Code"] = message }, PurposeErrorFor = code,
            });
        }

        await audit.WriteAsync(AuditActions.Update, "consent_purpose", code, "custom purpose deleted", ct);
        Flash(t["Purpose deleted."]);
        return Redirect("/settings/consent#purposes");
    }

    private async Task<IActionResult> SavePurposeAsync(PurposeForm form, bool create, CancellationToken ct)
    {
        var (purpose, errors) = await purposes.SaveAsync(form.Code, form.Name, form.ValidityDays, form.AllowedBases, create, form.RetentionDays, ct);
        if (purpose is null)
        {
            if (!create && errors.ByField.GetValueOrDefault("Code") is [ConsentPurposes.UnknownCode]) return NotFound();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            var messages = errors.ByField.ToDictionary(e => e.Key, e => e.Value[0] == PurposeInputValidator.ValidityRange
                ? string.Format(System.Globalization.CultureInfo.CurrentCulture, t[e.Value[0]].Value, ConsentPurposes.MaxValidityDays)
                : t[e.Value[0]].Value);
            return View(nameof(Index), await ModelAsync(new TextForm(), new Dictionary<string, string>(), ct) with
            {
                NewPurpose = create ? form : new PurposeForm { AllowedBases = ["consent"] }, PurposeErrors = messages,
                PurposeErrorFor = create ? null : form.Code,
            });
        }

        await audit.WriteAsync(create ? AuditActions.Create : AuditActions.Update, "consent_purpose", purpose.Code,
            $"validityDays={purpose.ValidityDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"};retentionDays={purpose.RetentionDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "legal"};bases={string.Join('|', purpose.AllowedBases)}", ct);
        Flash(t["Purpose saved."]);
        return Redirect("/settings/consent#purposes");
    }

    /// <summary>Always a new version: texts already cited by consents stay exactly as they were shown.</summary>
    [HttpPost("texts")]
    public async Task<IActionResult> CreateText(TextForm form, CancellationToken ct)
    {
        var (version, errors) = await texts.CreateAsync(form.ToContent(), form.PurposeCodes, ct);
        if (version is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            var messages = errors.ByField.ToDictionary(e => e.Key, e => e.Value[0] == ConsentTextInputValidator.TooLong
                ? t[e.Value[0]].Value
                : string.Format(CultureInfo.CurrentCulture, t["Required by 152-FZ Art. 9 p.4: {0}."].Value, t[e.Value[0]].Value));
            return View(nameof(Index), await ModelAsync(form, messages, ct));
        }

        await audit.WriteAsync(AuditActions.Create, "consent_text_version", version.Id.ToString(), $"hash={version.Hash}", ct);
        Flash(t["Consent text version saved."]);
        return Redirect("/settings/consent#versions");
    }

    private async Task<IndexModel> ModelAsync(TextForm form, IReadOnlyDictionary<string, string> errors, CancellationToken ct) =>
        new(await purposes.ListAsync(ct), await texts.ListAsync(ct), form, errors);
}
