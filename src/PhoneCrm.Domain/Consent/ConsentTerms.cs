namespace PhoneCrm.Domain.Consent;

/// <summary>The wire names of api-v1.md, in one place.</summary>
public static class ConsentTerms
{
    public static readonly IReadOnlyList<string> Channels = ["sms", "messenger", "voice"];
    public static readonly IReadOnlyList<string> LegalBases = ["consent", "contract", "request", "booking", "legitimate_interest"];
    public static readonly IReadOnlyList<string> EvidenceMethods =
        ["web_form", "sms_code", "voice_recording", "paper", "api", "staff", "sms_reply", "link", "web_link", "subject_request",
         "reconsent_lapsed"];

    public const string Marketing = "marketing";
    public const string Transactional = "transactional";
    public const string Surveys = "surveys";
    public const string AdAudiences = "ad_audiences";
}

/// <summary>A tenant purpose: what a consent is for, how long it lasts, on which bases it may rest.</summary>
public sealed record PurposeRule(string Code, int? ValidityDays, IReadOnlyList<string> AllowedBases)
{
    /// <summary>The built-ins every tenant starts with. Marketing rests on consent only (38-FZ Art. 18).</summary>
    public static IReadOnlyList<PurposeRule> BuiltIns { get; } =
    [
        new(ConsentTerms.Transactional, null, ["contract", "request", "booking", "consent", "legitimate_interest"]),
        new(ConsentTerms.Marketing, 3 * 365, ["consent"]),
        new(ConsentTerms.Surveys, 3 * 365, ["consent", "legitimate_interest"]),
        new(ConsentTerms.AdAudiences, 365, ["consent"]),
    ];

    /// <summary>Why a grant is not allowed, or null when it is.</summary>
    public string? RefuseGrant(string legalBasis, string channel)
    {
        if (!ConsentTerms.Channels.Contains(channel)) return $"Unknown channel '{channel}'.";
        if (!ConsentTerms.LegalBases.Contains(legalBasis)) return $"Unknown legal basis '{legalBasis}'.";
        if (Code == ConsentTerms.Marketing && legalBasis != "consent")
            return "Marketing may only rest on the subject's consent (38-FZ Art. 18); a contract or request never allows it.";
        return AllowedBases.Contains(legalBasis) ? null : $"Purpose '{Code}' does not allow the legal basis '{legalBasis}'.";
    }

    public DateTimeOffset? ExpiresAt(DateTimeOffset grantedAt) => ValidityDays is { } d ? grantedAt.AddDays(d) : null;
}
