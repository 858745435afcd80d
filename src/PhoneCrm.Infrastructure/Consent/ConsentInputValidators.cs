using FluentValidation;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// The rules of a <see cref="GrantInput"/> that need no database: the ledger adds the phone's parse in the tenant's
/// region, the purpose lookup, the purpose's legal-basis rule and the text version. Purpose text with a control
/// character is refused here, before any lookup (PostgreSQL refuses NUL in text).
/// </summary>
public sealed class GrantInputValidator : InputValidator<GrantInput>
{
    public GrantInputValidator(DateTimeOffset now)
    {
        Field(x => x.Phone, "phone").Must(p => !string.IsNullOrWhiteSpace(p)).WithMessage("Phone is required.");
        Field(x => x.Purpose, "purpose")
            .Must(p => !string.IsNullOrWhiteSpace(p)).WithMessage(x => ConsentInputRules.UnknownPurpose(x.Purpose))
            .NoControlCharacters();
        Field(x => x.Channel, "channel").Channel();
        Field(x => x.LegalBasis, "legalBasis")
            .Must(b => ConsentTerms.LegalBases.Contains(b ?? ""))
            .WithMessage("Legal basis must be one of: " + string.Join(", ", ConsentTerms.LegalBases) + ".");
        _evidence = new ConsentEvidenceValidator(now, "evidence.method");
    }

    private readonly ConsentEvidenceValidator _evidence;

    /// <summary>The grant's own fields and its evidence's (keyed <c>evidence.…</c>).</summary>
    public ValidationErrors CheckAll(GrantInput input) => Check(input).AddAll(_evidence.Check(input.Evidence));
}

/// <summary>How a grant or withdrawal was captured: a known method, a plausible capture time, bounded texts.</summary>
public sealed class ConsentEvidenceValidator : InputValidator<ConsentEvidence>
{
    /// <summary>Clients' clocks drift; a capture time this far ahead is still taken as "now-ish".</summary>
    private static readonly TimeSpan _clockSkew = TimeSpan.FromMinutes(5);

    /// <param name="methodField">The API name of the method: <c>evidence.method</c> in a grant, <c>method</c> in a withdrawal.</param>
    public ConsentEvidenceValidator(DateTimeOffset now, string methodField)
    {
        Field(x => x.Method, methodField)
            .Must(m => ConsentTerms.EvidenceMethods.Contains(m ?? ""))
            .WithMessage("Method must be one of: " + string.Join(", ", ConsentTerms.EvidenceMethods) + ".");
        Field(x => x.CapturedAt, "evidence.capturedAt")
            .Must(at => at is not { } t || t <= now + _clockSkew).WithMessage("The capture time cannot be in the future.")
            .Must(at => at is not { } t || t.Year >= 2000).WithMessage("The capture time is not plausible.");
        Field(x => x.Ip, "evidence.ip").Text(64);
        Field(x => x.UserAgent, "evidence.userAgent").Text(512);
        Field(x => x.SourceUrl, "evidence.sourceUrl").Text(2048);
        Field(x => x.FormVersion, "evidence.formVersion").Text(64);
        Field(x => x.RecordingId, "evidence.recordingId").Text(200);
        Field(x => x.PaperReference, "evidence.paperReference").Text(200);
    }
}

internal static class ConsentInputRules
{
    public static string UnknownPurpose(string? purpose) => $"Unknown purpose '{purpose}'.";

    public static IRuleBuilderOptions<T, string?> Channel<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => ConsentTerms.Channels.Contains(c ?? ""))
            .WithMessage("Channel must be one of: " + string.Join(", ", ConsentTerms.Channels) + ".");

    /// <summary>At most <paramref name="max"/> characters, no control character.</summary>
    public static IRuleBuilderOptions<T, string?> Text<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.Must(v => v is null || v.Length <= max).WithMessage($"At most {max} characters.").NoControlCharacters();
}
