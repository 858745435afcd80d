using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>What a visitor sent, with the evidence the server saw (never what the browser claims).</summary>
public sealed record FormSubmission(string? Phone, string? Name, IReadOnlyList<string> Purposes, string? Ip, string? UserAgent, string? SourceUrl);

/// <summary>
/// Errors as <see cref="SubmissionInputValidator"/> keys them; the challenge whose SMS code grants the ticked purposes.
/// </summary>
/// <param name="RetryAfter">Set when a code limit is reached: nothing was sent, the visitor waits this long (429).</param>
public sealed record SubmissionResult(ValidationErrors Errors, IReadOnlyList<string> Granted, Guid? ChallengeId, string? MaskedPhone,
    TimeSpan? RetryAfter = null)
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
/// The public side of capture forms: validates a submission and holds every ticked purpose, marketing or not, until the
/// visitor enters the SMS code (sms_code evidence; 38-FZ double opt-in): nothing is granted for a number nobody proved.
/// Codes obey <see cref="CodeLimits"/> (mobile numbers of the tenant's regions, 3 per number and the tenant's daily budget
/// per 24 h) and the send policy.
/// </summary>
public sealed class FormSubmissions(
    PhoneCrmDbContext db,
    ConsentLedger ledger,
    ContactService contacts,
    PiiProtector protector,
    IConsentCodeSender sender,
    BlindIndex index,
    PublicSafetySettings safetySettings,
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

        // SMS pumping: a code goes only to a mobile number of the tenant's regions, within the per-number and daily limits.
        var safety = await safetySettings.GetAsync(ct);
        if (!CodeLimits.MayReceiveCode(phone, safety.CodeRegions)) return new SubmissionResult(ValidationErrors.Of("phone", NoCodeForNumber), [], null, null);
        var e164 = phone.E164;
        var phoneIndex = (await index.ForTenantAsync(db, ct)).Phone(e164);
        var now = clock.GetUtcNow();
        var limits = new CodeLimits(CodeLimits.DefaultPerNumber, safety.DailyCodeBudget);
        if (await CodeLimiter.RetryAfterAsync(db.ConsentCodeChallenges, phoneIndex, limits, now, ct) is { } wait)
            return new SubmissionResult(errors, [], null, null, wait);

        // Nothing is granted for a number nobody proved: every ticked purpose waits for the code.
        var sourceUrl = input.SourceUrl is { Length: <= CaptureForm.UrlMax } u ? u : null;
        var userAgent = input.UserAgent is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 512)] : null;
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var challenge = new ConsentCodeChallenge
        {
            FormId = form.Id, FormVersion = form.FormVersion, PhoneCipher = protector.Encrypt(e164, form.TenantId, PhoneContext)!, PhoneIndex = phoneIndex,
            NameCipher = string.IsNullOrEmpty(name) ? null : protector.Encrypt(name, form.TenantId, NameContext), PurposeCodes = purposes,
            TextVersionId = form.TextVersionId, Ip = input.Ip, UserAgent = userAgent, SourceUrl = sourceUrl, CodeHash = [],
            CreatedAt = now, ExpiresAt = now + CodeLifetime,
        };
        challenge.CodeHash = HashCode(challenge.Id, code);
        db.ConsentCodeChallenges.Add(challenge);
        await db.SaveChangesAsync(ct);

        var contactId = await db.Contacts.AsNoTracking().Where(c => c.PhoneIndex == phoneIndex).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
        var text = await db.ConsentTextVersions.AsNoTracking().Where(v => v.Id == form.TextVersionId).Select(v => v.OperatorName).SingleAsync(ct);
        challenge.SmsMessageId = await sender.SendAsync(contactId, e164,
            $"{Shorten(text, 40)}: код подтверждения согласия {code}. Никому его не сообщайте.", $"consent-code:{challenge.Id:N}", ct);
        await db.SaveChangesAsync(ct);
        return new SubmissionResult(errors, [], challenge.Id, PhoneMasking.Mask(e164));
    }

    /// <summary>The phone error for a number that gets no code (not mobile, or outside the tenant's regions).</summary>
    public const string NoCodeForNumber = "We can send the confirmation code only to a mobile number of our region. Enter another number.";

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

        var e164 = protector.Decrypt(challenge.PhoneCipher, challenge.TenantId, PhoneContext)!;
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

        if (protector.Decrypt(challenge.NameCipher, challenge.TenantId, NameContext) is { Length: > 0 } name) await SetNameAsync(e164, name, ct);
        return new ConfirmResult(CodeOutcome.Confirmed, 0, granted);
    }

    public async Task<string?> MaskedPhoneAsync(Guid challengeId, CancellationToken ct = default)
    {
        var cipher = await db.ConsentCodeChallenges.AsNoTracking().Where(c => c.Id == challengeId).Select(c => c.PhoneCipher).SingleOrDefaultAsync(ct);
        return cipher is null ? null : PhoneMasking.Mask(protector.Decrypt(cipher, db.Tenant.RequireTenant(), PhoneContext)!);
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
