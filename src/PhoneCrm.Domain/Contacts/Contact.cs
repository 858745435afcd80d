using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Contacts;

/// <summary>
/// A customer of a tenant, identified by one normalised phone number: at most one contact per (tenant, E.164),
/// enforced by a unique index on the phone's blind index. Phone, names and email are stored only encrypted
/// (see <c>PiiProtector</c>) with keyed blind indexes for exact lookup; everything else is plain.
/// </summary>
public sealed class Contact : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>E.164 encrypted with context <c>contact.phone</c>.</summary>
    public required byte[] PhoneCipher { get; set; }
    /// <summary>Blind index of the E.164 digits: unique per tenant.</summary>
    public required byte[] PhoneIndex { get; set; }
    /// <summary>Blind index of the number's last four digits (partial search); null until the search backfill reached an
    /// older row, and on erased shells.</summary>
    public byte[]? PhoneSuffixIndex { get; set; }
    public string PhoneType { get; set; } = PhoneTypes.Unknown;
    public string? Carrier { get; set; }
    /// <summary>ISO 3166 region of the number (<c>RU</c>, <c>KZ</c>, …).</summary>
    public string PhoneRegion { get; set; } = "RU";
    public string? Extension { get; set; }

    public byte[]? FirstNameCipher { get; set; }
    public byte[]? LastNameCipher { get; set; }
    /// <summary>Patronymic («Отчество»), encrypted with context <c>contact.middle_name</c>; files bring it (a split «ФИО»).</summary>
    public byte[]? MiddleNameCipher { get; set; }
    /// <summary>
    /// The person's other numbers from an import (work, home, a second number in a cell), E.164 joined by ", ",
    /// encrypted with context <c>contact.other_phones</c>: kept and shown, never messaged (the contact's one number is
    /// <see cref="PhoneCipher"/>).
    /// </summary>
    public byte[]? OtherPhonesCipher { get; set; }
    public byte[]? EmailCipher { get; set; }
    public byte[]? EmailIndex { get; set; }
    /// <summary>Blind indexes of the name words (first and last name) and of their beginnings, for search by any one word
    /// of the name or its first letters.</summary>
    public List<byte[]> NameTokenIndexes { get; set; } = [];

    public string? City { get; set; }
    public string Gender { get; set; } = ContactGender.Unknown;
    public DateOnly? BirthDate { get; set; }
    public List<string> Tags { get; set; } = [];
    public string SourceChannel { get; set; } = ContactSources.Api;
    public string? SourceDetail { get; set; }
    /// <summary>The sales manager (user id) who owns this customer.</summary>
    public Guid? OwnerId { get; set; }
    /// <summary>Custom attributes as a JSON object (jsonb).</summary>
    public string Attributes { get; set; } = "{}";
    public string Status { get; set; } = ContactStatus.Active;
    /// <summary>Why the contact is <see cref="ContactStatus.Unreachable"/> (<see cref="ContactStatusReasons"/>); null otherwise.</summary>
    public string? StatusReason { get; set; }
    /// <summary>When the status last changed by hygiene or a restore: failures before it no longer count.</summary>
    public DateTimeOffset? StatusChangedAt { get; set; }
    /// <summary>No reaction for 18 months: to be re-verified before important campaigns (set by <c>hygiene-engagement</c>).</summary>
    public bool NeedsReverification { get; set; }
    /// <summary>The person's own cap on marketing (<c>MarketingFrequency</c>); null means the tenant's caps.</summary>
    public string? MarketingFrequency { get; set; }
    /// <summary>IANA zone resolved from the city, then the number, then the tenant.</summary>
    public string TimeZone { get; set; } = "Europe/Moscow";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Computed from the contact's events (<c>ContactStatsUpdater</c>), never edited by hand.</summary>
    public ContactStats Stats { get; set; } = new();
}

/// <summary>A free-text note on a contact by a staff member; the text is encrypted (it may name the person).</summary>
public sealed class ContactNote : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ContactId { get; set; }
    public required byte[] TextCipher { get; set; }
    public Guid? AuthorId { get; set; }
    public required string AuthorName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Wire names of api-v1 contact <c>statusReason</c>.</summary>
public static class ContactStatusReasons
{
    public const string FailedDeliveries = "failedDeliveries";
    public const string InvalidNumber = "invalidNumber";
    public const string Disconnected = "disconnected";
    public const string Manual = "manual";
    public static IReadOnlyList<string> All { get; } = [FailedDeliveries, InvalidNumber, Disconnected, Manual];
}

public static class ContactGender
{
    public const string Male = "male";
    public const string Female = "female";
    public const string Unknown = "unknown";
    public static IReadOnlyList<string> All { get; } = [Male, Female, Unknown];
}

public static class ContactStatus
{
    public const string Active = "active";
    public const string Unreachable = "unreachable";
    public const string Erased = "erased";
    public static IReadOnlyList<string> All { get; } = [Active, Unreachable, Erased];
}

/// <summary>Source channels of PRODUCT.md §2.1 (API wire names).</summary>
public static class ContactSources
{
    public const string Website = "website";
    public const string WebShop = "web_shop";
    public const string Social = "social";
    public const string OfflineEvent = "offline_event";
    public const string Store = "store";
    public const string Import = "import";
    public const string Api = "api";
    public const string Call = "call";
    public const string Manual = "manual";
    public static IReadOnlyList<string> All { get; } = [Website, WebShop, Social, OfflineEvent, Store, Import, Api, Call, Manual];
}
