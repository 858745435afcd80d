namespace PhoneCrm.Domain.Contacts;

/// <summary>One row of the city table: a city (may be empty for a region-only row), its region and IANA zone.</summary>
public sealed record CityTimeZone(string City, string Region, string TimeZone);

/// <summary>Where a contact's zone came from, in the order they are tried.</summary>
public enum TimeZoneSource
{
    City,
    Region,
    Number,
    Tenant,
}

/// <summary>A resolved IANA zone and its source (shown so staff can see why a message waits).</summary>
public sealed record TimeZoneResolution(string TimeZone, TimeZoneSource Source)
{
    /// <summary>Lower-case source name for APIs and logs: <c>city|region|number|tenant</c>.</summary>
    public string SourceName => Source.ToString().ToLowerInvariant();
}
