using System.Security.Cryptography;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Audiences;

/// <summary>
/// One export of a saved segment to an ad platform (api-v1 "Ad audiences"). The job records exactly which contacts went
/// out (<see cref="AudienceExportMember"/>); the file itself is never stored — it is generated from that membership on
/// download, so hashes of phones (still personal data) never rest on disk.
/// </summary>
public sealed class AudienceExport : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SegmentId { get; set; }
    public required string Format { get; set; }
    public string Status { get; set; } = AudienceExportStatuses.Queued;
    /// <summary>Contacts recorded as sent, once the job has completed.</summary>
    public long? Count { get; set; }
    /// <summary>Who asked for it, as the audit names them (email or api-key:NAME).</summary>
    public required string RequestedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? Error { get; set; }
}

/// <summary>A contact whose hashed number went out in an export: what an access report names the ad platform for.</summary>
public sealed class AudienceExportMember : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid ExportId { get; set; }
    public Guid ContactId { get; set; }
}

public static class AudienceExportStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>The ad platforms' file formats (api-v1): Meta and Yandex Audiences read CSV with a <c>phone</c> header, VK one hash a line.</summary>
public static class AudienceFormats
{
    public const string Meta = "meta";
    public const string Yandex = "yandex";
    public const string Vk = "vk";

    public static IReadOnlyList<string> All { get; } = [Meta, Yandex, Vk];

    public static bool IsKnown(string? format) => format is not null && All.Contains(format, StringComparer.Ordinal);

    /// <summary>The first line of the file, or empty (VK has no header).</summary>
    public static string Header(string format) => format == Vk ? "" : "phone\n";

    /// <summary>The platform as a recipient of personal data is named in an access report.</summary>
    public static string PlatformName(string format) => format switch
    {
        Meta => "Meta Custom Audiences",
        Yandex => "Yandex Audiences",
        Vk => "VK Ads",
        _ => format,
    };

    /// <summary>The downloaded file's name.</summary>
    public static string FileName(string format, Guid exportId) => $"audience-{format}-{exportId:N}.{(format == Vk ? "txt" : "csv")}";
}

/// <summary>The one identifier an ad platform receives: SHA-256 of the digits-only E.164 number without <c>+</c>, lowercase hex.</summary>
public static class AudienceHash
{
    public static string Of(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        Span<byte> digits = stackalloc byte[32];
        var n = 0;
        foreach (var ch in e164)
        {
            if (ch is >= '0' and <= '9' && n < digits.Length) digits[n++] = (byte)ch;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(digits[..n], hash);
        return Convert.ToHexStringLower(hash);
    }
}
