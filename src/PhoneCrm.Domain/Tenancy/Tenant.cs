namespace PhoneCrm.Domain.Tenancy;

/// <summary>A company using PhoneCrm: the personal-data operator. Global table (not tenant-owned).</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Region used to parse numbers written without a country code.</summary>
    public string DefaultRegion { get; set; } = "RU";
    public string TimeZone { get; set; } = "Europe/Moscow";
    public DateTimeOffset CreatedAt { get; set; }
}
