using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Consent;

/// <summary>
/// A consent capture form made by the Admin: a hosted public page (<c>/f/{tenantId}/{key}</c>) and an embeddable
/// snippet. Every edit bumps <see cref="Version"/>, so each consent's evidence names the exact form it came through.
/// </summary>
public sealed class CaptureForm : ITenantOwned
{
    public const int NameMax = 200;
    public const int ThankYouMax = 1000;
    public const int UrlMax = 2048;

    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The public, unguessable part of the URL.</summary>
    public required string Key { get; set; }
    public required string Name { get; set; }
    /// <summary>Ask the visitor's name (the phone is always asked; nothing else by default).</summary>
    public bool AskName { get; set; }
    public List<string> PurposeCodes { get; set; } = [];
    public Guid TextVersionId { get; set; }
    public required string ThankYouText { get; set; }
    public string? RedirectUrl { get; set; }
    public required string PrivacyPolicyUrl { get; set; }
    public int Version { get; set; } = 1;
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>What the ledger records as <c>formVersion</c>.</summary>
    public string FormVersion => $"{Key}@v{Version}";
}

/// <summary>
/// A marketing consent submitted on a web form, waiting for the SMS code (double opt-in). Only the code's hash is
/// kept; it expires, allows a few attempts and is consumed once. Phone and name are stored encrypted.
/// </summary>
public sealed class ConsentCodeChallenge : ITenantOwned, ICodeChallenge
{
    public const int MaxAttempts = 5;

    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid FormId { get; set; }
    public required string FormVersion { get; set; }
    public required byte[] PhoneCipher { get; set; }
    /// <summary>The number's blind index: the per-number code limit counts by it.</summary>
    public byte[] PhoneIndex { get; set; } = [];
    public byte[]? NameCipher { get; set; }
    public List<string> PurposeCodes { get; set; } = [];
    public Guid TextVersionId { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public string? SourceUrl { get; set; }
    public required byte[] CodeHash { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
    public Guid? SmsMessageId { get; set; }
}
