using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>What a visitor sent, with the evidence the server saw (never what the browser claims).</summary>
public sealed record FormSubmission(string? Phone, string? Name, IReadOnlyList<string> Purposes, string? Ip, string? UserAgent, string? SourceUrl);

/// <summary>
/// Errors as <see cref="SubmissionInputValidator"/> keys them; granted purposes; a challenge when marketing awaits its SMS code.
/// </summary>
public sealed record SubmissionResult(ValidationErrors Errors, IReadOnlyList<string> Granted, Guid? ChallengeId, string? MaskedPhone)
{
    public bool IsValid => Errors.IsValid;
}

public enum CodeOutcome { Confirmed, Wrong, Expired, Used, TooManyAttempts, Unknown }

public sealed record ConfirmResult(CodeOutcome Outcome, int AttemptsLeft, IReadOnlyList<string> Granted);

/// <summary>Sends the double opt-in code. Implemented over the Messaging outbox (kind consent_code, purpose transactional).</summary>
public interface IConsentCodeSender
{
    /// <returns>The message, or null when the send policy refused the number (suppressed for everything, erased, no SMS):
    /// the visitor is told nothing about it, the code simply never comes.</returns>
    Task<Guid?> SendAsync(Guid? contactId, string e164, string text, string idempotencyKey, CancellationToken ct);
}

/// <summary>
/// The public side of capture forms: validates a submission, grants the non-marketing purposes at once (web_form
/// evidence) and holds marketing until the visitor enters the SMS code (sms_code evidence, 38-FZ double opt-in).
/// </summary>
public sealed class FormSubmissions(
    PhoneCrmDbContext db,
    ConsentLedger ledger,
    ContactService contacts,
    PiiProtector protector,
    IConsentCodeSender sender,
    TimeProvider clock,
    ContactEngagement engagement)
{
    public const string PhoneContext = "consent_challenge.phone";
    public const string NameContext = "consent_challenge.name";
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    public async Task<SubmissionResult> SubmitAsync(CaptureForm form, FormSubmission input, CancellationToken ct = default)
    {
        var phoneInput = input.Phone?.Trim() ?? "";
        var region = await contacts.DefaultRegionAsync(ct);
        var name = form.AskName ? input.Name?.Trim() : null;
        var purposes = input.Purposes.Distinct(StringComparer.Ordinal).ToList();
        var errors = SubmissionInputValidator.Instance.Check(new SubmissionInput(phoneInput, name, purposes, form.PurposeCodes, region));
        if (!errors.IsValid || !PhoneParser.TryParse(phoneInput, out var phone, region)) return new SubmissionResult(errors, [], null, null);

        var e164 = phone.E164;
        var sourceUrl = input.SourceUrl is { Length: <= CaptureForm.UrlMax } u ? u : null;
        var userAgent = input.UserAgent is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 512)] : null;
        var granted = new List<string>();
        Guid? contactId = null;
        foreach (var purpose in purposes.Where(p => p != ConsentTerms.Marketing))
        {
            var result = await ledger.GrantAsync(new GrantInput(e164, purpose, "sms", "consent", form.TextVersionId,
                new ConsentEvidence("web_form", Ip: input.Ip, UserAgent: userAgent, SourceUrl: sourceUrl, FormVersion: form.FormVersion)), ct);
            if (!result.IsValid) return new SubmissionResult(LedgerRefusal(result.Errors), granted, null, null);
            granted.Add(purpose);
            contactId = result.Record!.ContactId;
        }

        if (contactId is not null && !string.IsNullOrEmpty(name)) await SetNameAsync(e164, name, ct);
        if (!purposes.Contains(ConsentTerms.Marketing)) return new SubmissionResult(errors, granted, null, PhoneMasking.Mask(e164));

        var now = clock.GetUtcNow();
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var challenge = new ConsentCodeChallenge
        {
            FormId = form.Id, FormVersion = form.FormVersion, PhoneCipher = protector.Encrypt(e164, PhoneContext)!,
            NameCipher = string.IsNullOrEmpty(name) ? null : protector.Encrypt(name, NameContext), PurposeCodes = [ConsentTerms.Marketing],
            TextVersionId = form.TextVersionId, Ip = input.Ip, UserAgent = userAgent, SourceUrl = sourceUrl, CodeHash = [],
            CreatedAt = now, ExpiresAt = now + CodeLifetime,
        };
        challenge.CodeHash = HashCode(challenge.Id, code);
        db.ConsentCodeChallenges.Add(challenge);
        await db.SaveChangesAsync(ct);

        var text = await db.ConsentTextVersions.AsNoTracking().Where(v => v.Id == form.TextVersionId).Select(v => v.OperatorName).SingleAsync(ct);
        challenge.SmsMessageId = await sender.SendAsync(contactId, e164,
            $"{Shorten(text, 40)}: код подтверждения согласия на рекламные SMS {code}. Никому его не сообщайте.", $"consent-code:{challenge.Id:N}", ct);
        await db.SaveChangesAsync(ct);
        return new SubmissionResult(errors, granted, challenge.Id, PhoneMasking.Mask(e164));
    }

    /// <summary>The ledger's refusal in the visitor's terms: a phone it refuses is "not a phone", anything else "check the form".</summary>
    private static ValidationErrors LedgerRefusal(ValidationErrors ledger)
    {
        var errors = new ValidationErrors();
        foreach (var field in ledger.ByField.Keys) errors.Add(field, field == "phone" ? SubmissionInputValidator.NotAPhone : "Check the form.");
        return errors;
    }

    /// <summary>
    /// Checks the code; only a right, unexpired, unused code within the attempt limit grants. Consumption is one
    /// conditional UPDATE, so a replayed or concurrent second confirmation grants nothing.
    /// </summary>
    public async Task<ConfirmResult> ConfirmAsync(Guid challengeId, string? code, string? ip, string? userAgent, CancellationToken ct = default)
    {
        var challenge = await db.ConsentCodeChallenges.AsNoTracking().SingleOrDefaultAsync(c => c.Id == challengeId, ct);
        if (challenge is null) return new ConfirmResult(CodeOutcome.Unknown, 0, []);
        if (challenge.ConsumedAt is not null) return new ConfirmResult(CodeOutcome.Used, 0, []);
        var now = clock.GetUtcNow();
        if (challenge.ExpiresAt <= now) return new ConfirmResult(CodeOutcome.Expired, 0, []);
        if (challenge.Attempts >= ConsentCodeChallenge.MaxAttempts) return new ConfirmResult(CodeOutcome.TooManyAttempts, 0, []);

        var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        var right = digits.Length == 6 && CryptographicOperations.FixedTimeEquals(HashCode(challengeId, digits), challenge.CodeHash);
        if (!right)
        {
            var attempts = await db.ConsentCodeChallenges.Where(c => c.Id == challengeId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Attempts, c => c.Attempts + 1), ct);
            var left = ConsentCodeChallenge.MaxAttempts - challenge.Attempts - attempts;
            return new ConfirmResult(left <= 0 ? CodeOutcome.TooManyAttempts : CodeOutcome.Wrong, Math.Max(0, left), []);
        }

        var consumed = await db.ConsentCodeChallenges
            .Where(c => c.Id == challengeId && c.ConsumedAt == null && c.ExpiresAt > now && c.Attempts < ConsentCodeChallenge.MaxAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsumedAt, now), ct);
        if (consumed == 0) return new ConfirmResult(CodeOutcome.Used, 0, []);

        var e164 = protector.Decrypt(challenge.PhoneCipher, PhoneContext)!;
        var userAgentShort = userAgent is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 512)] : challenge.UserAgent;
        var granted = new List<string>();
        foreach (var purpose in challenge.PurposeCodes)
        {
            var result = await ledger.GrantAsync(new GrantInput(e164, purpose, "sms", "consent", challenge.TextVersionId,
                new ConsentEvidence("sms_code", Ip: ip ?? challenge.Ip, UserAgent: userAgentShort, SourceUrl: challenge.SourceUrl,
                    FormVersion: challenge.FormVersion)), ct);
            if (result.IsValid) granted.Add(purpose);
            // A confirmed form is the person's engagement (api-v1 "Engagement").
            if (result.Record is { } record) await engagement.EngagedAsync(record.ContactId, record.CapturedAt, ct);
        }

        if (protector.Decrypt(challenge.NameCipher, NameContext) is { Length: > 0 } name) await SetNameAsync(e164, name, ct);
        return new ConfirmResult(CodeOutcome.Confirmed, 0, granted);
    }

    public async Task<string?> MaskedPhoneAsync(Guid challengeId, CancellationToken ct = default)
    {
        var cipher = await db.ConsentCodeChallenges.AsNoTracking().Where(c => c.Id == challengeId).Select(c => c.PhoneCipher).SingleOrDefaultAsync(ct);
        return cipher is null ? null : PhoneMasking.Mask(protector.Decrypt(cipher, PhoneContext)!);
    }

    /// <summary>The visitor's name fills an empty name only: a web form never overwrites what staff or the API set.</summary>
    private async Task SetNameAsync(string e164, string name, CancellationToken ct)
    {
        var (contact, _) = await contacts.FindByPhoneAsync(e164, ContactScope.Full, ct);
        if (contact is null || contact.FirstNameCipher is not null) return;
        await contacts.UpsertAsync(new ContactInput { Phone = e164, FirstName = name, SourceChannel = ContactSources.Website }, ct);
    }

    private static byte[] HashCode(Guid challengeId, string code) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"consent-code:{challengeId:N}:{code}"));

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..max];
}
