using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>What the person typed on the self-service page.</summary>
public sealed record SelfServiceInput(string? Phone, string? FullName, string? Type, string? Email);

/// <summary>The first step: errors keyed by field, or a limit hit (429 with <paramref name="RetryAfter"/>), or the challenge whose code was sent.</summary>
public sealed record SelfServiceStart(ValidationErrors Errors, TimeSpan? RetryAfter, Guid? ChallengeId, string? MaskedPhone);

public sealed record SelfServiceConfirm(CodeOutcome Outcome, int AttemptsLeft, SubjectRequest? Request);

/// <summary>
/// The public self-service page's two steps (PRODUCT.md §2.7): the person gives a number (+ name, type) and gets a 6-digit
/// code by SMS; the right code creates the request already verified by <c>sms_code</c>. Nothing is created for an unproven
/// number. The protections are those of the capture forms: at most <c>Requests:SelfService:CodesPerNumber</c> (3) codes per
/// number in 24 h and <c>Requests:SelfService:DailyCodeBudget</c> (300) per tenant in 24 h (beyond either: a wait, nothing
/// sent) by the one rule <see cref="CodeLimits"/>, the send policy (a number erased, suppressed for everything or unable to
/// take SMS gets no code), only mobile numbers of the tenant's code regions, and the per-IP limit of the public pages (in the web layer). Only a hash of the code is kept; it lives
/// 10 minutes, allows 5 attempts and is consumed by one conditional UPDATE.
/// </summary>
public sealed class SelfServiceRequests(
    PhoneCrmDbContext db,
    PiiProtector protector,
    BlindIndex index,
    ContactService contacts,
    SmsAnswers answers,
    SmsDelivery delivery,
    SubjectRequests requests,
    RequestNotices notices,
    AuditActor actor,
    IConfiguration config,
    PublicSafetySettings safetySettings,
    TimeProvider clock)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
    public const string NotAMobile = "Enter a mobile number: the code comes by SMS.";
    public const string ActorName = "self-service";

    /// <summary>Opens the tenant for an anonymous visitor; false when no such tenant exists.</summary>
    public async Task<string?> OpenAsync(Guid tenantId, CancellationToken ct)
    {
        db.Tenant.Set(tenantId);
        actor.Name = ActorName;
        return await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).SingleOrDefaultAsync(ct);
    }

    public async Task<SelfServiceStart> StartAsync(SelfServiceInput input, string? ip, CancellationToken ct)
    {
        var region = await contacts.DefaultRegionAsync(ct);
        var errors = new SubjectRequestInputValidator(region, clock.GetUtcNow()).Check(new SubjectRequestInput
        {
            Type = input.Type, Phone = input.Phone, FullName = input.FullName, Email = input.Email, Channel = SubjectRequestChannels.Web,
        });
        if (string.IsNullOrWhiteSpace(input.Phone) && !errors.Has("phone")) errors.Add("phone", "Enter your phone number.");
        if (!errors.IsValid) return new SelfServiceStart(errors, null, null, null);
        var phone = PhoneParser.Parse(input.Phone, region).Phone!;
        var safety = await safetySettings.GetAsync(ct);
        if (!CodeLimits.MayReceiveCode(phone, safety.CodeRegions)) return new SelfServiceStart(ValidationErrors.Of("phone", NotAMobile), null, null, null);

        var now = clock.GetUtcNow();
        var phoneIndex = (await index.ForTenantAsync(db, ct)).Phone(phone.E164);
        var limits = new CodeLimits(config.GetValue("Requests:SelfService:CodesPerNumber", CodeLimits.DefaultPerNumber),
            config.GetValue("Requests:SelfService:DailyCodeBudget", CodeLimits.DefaultDailyBudget));
        if (await CodeLimiter.RetryAfterAsync(db.SubjectRequestChallenges, phoneIndex, limits, now, ct) is { } wait)
            return new SelfServiceStart(new ValidationErrors(), wait, null, null);

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var challenge = new SubjectRequestChallenge
        {
            Type = input.Type!, PhoneCipher = protector.Encrypt(phone.E164, db.Tenant.RequireTenant(), SubjectRequests.PhoneContext), PhoneIndex = phoneIndex,
            FullNameCipher = protector.Encrypt(Blank(input.FullName), db.Tenant.RequireTenant(), SubjectRequests.FullNameContext),
            EmailCipher = protector.Encrypt(Blank(input.Email), db.Tenant.RequireTenant(), SubjectRequests.EmailContext), CodeHash = [], Ip = ip is { Length: <= 64 } ? ip : null,
            CreatedAt = now, ExpiresAt = now + CodeLifetime,
        };
        challenge.CodeHash = HashCode(challenge.Id, code);
        db.SubjectRequestChallenges.Add(challenge);
        await db.SaveChangesAsync(ct);

        var contactId = await db.Contacts.AsNoTracking().Where(c => c.PhoneIndex == phoneIndex).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
        challenge.SmsMessageId = await answers.QueueAsync(contactId, phone.E164, NoticeTexts.Code(await notices.OperatorNameAsync(ct), code),
            SmsKinds.SubjectRequestCode, $"dsr-code:{challenge.Id:N}", ct);
        if (challenge.SmsMessageId is { } message) await delivery.DeliverAsync([message], ct);
        await db.SaveChangesAsync(ct);
        return new SelfServiceStart(new ValidationErrors(), null, challenge.Id, PhoneMasking.Mask(phone.E164));
    }

    /// <summary>Only a right, unexpired, unused code within the attempt limit creates the request; a replay creates nothing.</summary>
    public async Task<SelfServiceConfirm> ConfirmAsync(Guid challengeId, string? code, CancellationToken ct)
    {
        var challenge = await db.SubjectRequestChallenges.AsNoTracking().SingleOrDefaultAsync(c => c.Id == challengeId, ct);
        if (challenge is null) return new(CodeOutcome.Unknown, 0, null);
        if (challenge.ConsumedAt is not null) return new(CodeOutcome.Used, 0, null);
        var now = clock.GetUtcNow();
        if (challenge.ExpiresAt <= now) return new(CodeOutcome.Expired, 0, null);
        if (challenge.Attempts >= SubjectRequestChallenge.MaxAttempts) return new(CodeOutcome.TooManyAttempts, 0, null);

        var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.Length != 6 || !CryptographicOperations.FixedTimeEquals(HashCode(challengeId, digits), challenge.CodeHash))
        {
            await db.SubjectRequestChallenges.Where(c => c.Id == challengeId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Attempts, c => c.Attempts + 1), ct);
            var left = SubjectRequestChallenge.MaxAttempts - challenge.Attempts - 1;
            return new(left <= 0 ? CodeOutcome.TooManyAttempts : CodeOutcome.Wrong, Math.Max(0, left), null);
        }

        var consumed = await db.SubjectRequestChallenges
            .Where(c => c.Id == challengeId && c.ConsumedAt == null && c.ExpiresAt > now && c.Attempts < SubjectRequestChallenge.MaxAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsumedAt, now), ct);
        if (consumed == 0) return new(CodeOutcome.Used, 0, null);

        var person = new SubjectRequests.Person(protector.Decrypt(challenge.PhoneCipher, db.Tenant.RequireTenant(), SubjectRequests.PhoneContext),
            protector.Decrypt(challenge.FullNameCipher, db.Tenant.RequireTenant(), SubjectRequests.FullNameContext), protector.Decrypt(challenge.EmailCipher, db.Tenant.RequireTenant(), SubjectRequests.EmailContext));
        var request = await requests.IntakeAsync(challenge.Type, SubjectRequestChannels.Web, now, person, ct, verifiedBySmsCode: true);
        // The request now holds the person's data; the challenge keeps only what the limits count.
        await db.SubjectRequestChallenges.Where(c => c.Id == challengeId).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.RequestId, request.Id).SetProperty(c => c.PhoneCipher, (byte[]?)null)
            .SetProperty(c => c.FullNameCipher, (byte[]?)null).SetProperty(c => c.EmailCipher, (byte[]?)null), ct);
        return new(CodeOutcome.Confirmed, 0, request);
    }

    public async Task<string?> MaskedPhoneAsync(Guid challengeId, CancellationToken ct)
    {
        var cipher = await db.SubjectRequestChallenges.AsNoTracking().Where(c => c.Id == challengeId).Select(c => c.PhoneCipher).SingleOrDefaultAsync(ct);
        return protector.Decrypt(cipher, db.Tenant.RequireTenant(), SubjectRequests.PhoneContext) is { } e164 ? PhoneMasking.Mask(e164) : null;
    }

    private static byte[] HashCode(Guid challengeId, string code) => SHA256.HashData(Encoding.UTF8.GetBytes($"dsr-code:{challengeId:N}:{code}"));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
