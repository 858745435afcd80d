using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Consent;

public sealed record CaptureFormInput(string? Name, bool AskName, IReadOnlyList<string> PurposeCodes, Guid? TextVersionId, string? ThankYouText,
    string? RedirectUrl, string? PrivacyPolicyUrl, bool Active);

/// <summary>A public form with its consent text and the purposes it offers, in the form's order.</summary>
public sealed record PublicCaptureForm(CaptureForm Form, ConsentTextVersion Text, IReadOnlyList<ConsentPurpose> Purposes);

/// <summary>The Admin's capture forms.</summary>
public sealed class CaptureForms(PhoneCrmDbContext db, ConsentPurposes purposes, PublicSafetySettings safety, TimeProvider clock)
{
    public async Task<IReadOnlyList<CaptureForm>> ListAsync(CancellationToken ct = default) =>
        await db.CaptureForms.AsNoTracking().OrderByDescending(f => f.CreatedAt).ToListAsync(ct);

    public Task<CaptureForm?> GetAsync(Guid id, CancellationToken ct = default) =>
        db.CaptureForms.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);

    /// <summary>
    /// The active form behind a public URL, for an anonymous visitor: the URL names the tenant, which is set here for the
    /// rest of the request. Null for an unknown, overlong or inactive key, and for a suspended tenant's form.
    /// </summary>
    public async Task<PublicCaptureForm?> OpenPublicAsync(Guid tenantId, string key, CancellationToken ct = default)
    {
        if (key.Length > 32 || await db.IsSuspendedAsync(tenantId, ct)) return null;
        db.Tenant.Set(tenantId);
        var form = await db.CaptureForms.AsNoTracking().SingleOrDefaultAsync(f => f.Key == key, ct);
        if (form is null || !form.Active) return null;
        var text = await db.ConsentTextVersions.AsNoTracking().SingleAsync(v => v.Id == form.TextVersionId, ct);
        var all = await purposes.ListAsync(ct);
        return new PublicCaptureForm(form, text, form.PurposeCodes.Select(c => all.FirstOrDefault(p => p.Code == c)).OfType<ConsentPurpose>().ToList());
    }

    public const string UnknownForm = "Unknown form.";

    /// <summary>
    /// Creates (id null) or edits a form; an edit bumps the version that evidence cites. Errors as
    /// <see cref="CaptureFormInputValidator"/> keys them; editing a form that does not exist is <c>Id</c>: <see cref="UnknownForm"/>.
    /// </summary>
    public async Task<(CaptureForm? Form, ValidationErrors Errors)> SaveAsync(Guid? id, CaptureFormInput input,
        CancellationToken ct = default)
    {
        var errors = CaptureFormInputValidator.Instance.Check(input);
        var name = input.Name?.Trim() ?? "";
        var thanks = input.ThankYouText?.Trim() ?? "";
        var privacy = input.PrivacyPolicyUrl?.Trim() ?? ""; // optional: the consent text itself names the operator
        var redirect = string.IsNullOrWhiteSpace(input.RedirectUrl) ? null : input.RedirectUrl.Trim();

        var codes = input.PurposeCodes.Distinct(StringComparer.Ordinal).ToList();
        var known = (await purposes.ListAsync(ct)).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        if (!errors.Has(nameof(input.PurposeCodes)) && codes.Any(c => !known.Contains(c))) errors.Add(nameof(input.PurposeCodes), "Choose known purposes.");

        ConsentTextVersion? text = null;
        if (input.TextVersionId is { } textId) text = await db.ConsentTextVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == textId, ct);
        if (text is null && !errors.Has(nameof(input.TextVersionId))) errors.Add(nameof(input.TextVersionId), CaptureFormInputValidator.Required);
        else if (text is { PurposeCodes.Count: > 0 } && codes.Any(c => !text.PurposeCodes.Contains(c)))
        {
            errors.Add(nameof(input.TextVersionId), "This consent text does not cover every purpose offered.");
        }

        // An open redirect on our domain would lend the tenant's name to any site: only the allowed link domains.
        if (redirect is not null && !errors.Has(nameof(input.RedirectUrl)) && new Uri(redirect).Host is var host
            && !(await safety.GetAsync(ct)).AllowsHost(host))
        {
            errors.Add(nameof(input.RedirectUrl), PublicSafety.HostNotAllowed(host));
        }

        if (!errors.IsValid) return (null, errors);

        var now = clock.GetUtcNow();
        CaptureForm form;
        if (id is { } existing)
        {
            var found = await db.CaptureForms.SingleOrDefaultAsync(f => f.Id == existing, ct);
            if (found is null) return (null, ValidationErrors.Of("Id", UnknownForm));
            form = found;
            form.Version++;
        }
        else
        {
            form = new CaptureForm { Key = NewKey(), Name = name, ThankYouText = thanks, PrivacyPolicyUrl = privacy, CreatedAt = now };
            db.CaptureForms.Add(form);
        }

        form.Name = name;
        form.AskName = input.AskName;
        form.PurposeCodes = codes;
        form.TextVersionId = text!.Id;
        form.ThankYouText = thanks;
        form.RedirectUrl = redirect;
        form.PrivacyPolicyUrl = privacy;
        form.Active = input.Active;
        form.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return (form, errors);
    }

    /// <summary>
    /// api-v1 <c>POST /capture-forms</c>: a form from the integration's few fields. No text version → the newest text that
    /// covers every purpose; the thank-you text defaults to a plain one. Errors keyed by the API's field names.
    /// </summary>
    public async Task<(CaptureForm? Form, ValidationErrors Errors)> CreateFromApiAsync(string? name, IReadOnlyList<string>? purposeCodes,
        Guid? textVersionId, string? redirectUrl, string? privacyPolicyUrl, string? thankYouText, CancellationToken ct = default)
    {
        var codes = purposeCodes ?? [];
        if (textVersionId is null && codes.Count > 0)
        {
            textVersionId = (await db.ConsentTextVersions.AsNoTracking().OrderByDescending(v => v.CreatedAt).ToListAsync(ct))
                .FirstOrDefault(v => v.PurposeCodes.Count == 0 || codes.All(v.PurposeCodes.Contains))?.Id;
        }

        var (form, errors) = await SaveAsync(null, new CaptureFormInput(name, false, codes, textVersionId,
            string.IsNullOrWhiteSpace(thankYouText) ? DefaultThanks : thankYouText, redirectUrl, privacyPolicyUrl, true), ct);
        var api = new ValidationErrors();
        foreach (var (field, messages) in errors.ByField)
        {
            var key = field == nameof(CaptureFormInput.PurposeCodes) ? "purposes" : char.ToLowerInvariant(field[0]) + field[1..];
            foreach (var message in messages) api.Add(key, message);
        }

        return (form, api);
    }

    public const string DefaultThanks = "Спасибо, ваше согласие записано.";

    public static bool IsWebUrl(string? value) =>
        value is { Length: > 0 and <= CaptureForm.UrlMax } && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>12 characters of base32 (60 bits): the form's public, unguessable key.</summary>
    private static string NewKey()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        var chars = new char[12];
        for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[bytes[i] % alphabet.Length];
        return new string(chars);
    }
}
