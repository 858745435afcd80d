using PhoneNumbers;

namespace PhoneCrm.Domain.Contacts;

/// <summary>
/// Finds a contact's IANA zone for quiet hours (spec §2.4): city, then region, then the number,
/// then the tenant's zone. +7 mobiles map to every Russian zone, so the number only counts when
/// libphonenumber gives exactly one zone (landlines, single-zone countries).
/// Immutable and thread-safe; build a new one when the Admin changes the table.
/// </summary>
public sealed class TimeZoneResolver
{
    private static readonly PhoneNumberUtil _util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper _zones = PhoneNumberToTimeZonesMapper.GetInstance();

    private readonly Dictionary<string, string> _byCity = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byRegion = new(StringComparer.Ordinal);

    /// <param name="additionalEntries">
    /// Admin-supplied rows. A city row overrides the built-in city; a region only gets a zone from
    /// them when the built-in table does not know it (a far-east town must not move its whole region).
    /// </param>
    public TimeZoneResolver(IEnumerable<CityTimeZone>? additionalEntries = null)
    {
        foreach (var row in CityTable.BuiltIn)
        {
            Add(row);
        }

        foreach (var row in additionalEntries ?? [])
        {
            Add(row);
        }
    }

    /// <summary>A resolver over the built-in table only.</summary>
    public static TimeZoneResolver Default { get; } = new();

    public TimeZoneResolution Resolve(string? city, string? region, NormalizedPhone? phone, string tenantTimeZone) =>
        Resolve(city, region, phone?.E164, tenantTimeZone);

    public TimeZoneResolution Resolve(string? city, string? region, string? e164, string tenantTimeZone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantTimeZone);

        if (FindByCity(city) is { } byCity)
        {
            return new TimeZoneResolution(byCity, TimeZoneSource.City);
        }

        if (FindByRegion(region) is { } byRegion)
        {
            return new TimeZoneResolution(byRegion, TimeZoneSource.Region);
        }

        if (FindByNumber(e164) is { } byNumber)
        {
            return new TimeZoneResolution(byNumber, TimeZoneSource.Number);
        }

        return new TimeZoneResolution(tenantTimeZone, TimeZoneSource.Tenant);
    }

    public string? FindByCity(string? city)
    {
        var key = PlaceName.Normalize(city);
        if (key.Length == 0)
        {
            return null;
        }

        if (_byCity.TryGetValue(key, out var zone))
        {
            return zone;
        }

        // "Пермь, Пермский край" or "Москва, Россия": try the part before the comma.
        var comma = key.IndexOf(',', StringComparison.Ordinal);
        return comma > 0 && _byCity.TryGetValue(PlaceName.Normalize(key[..comma]), out zone) ? zone : null;
    }

    public string? FindByRegion(string? region)
    {
        var key = PlaceName.Normalize(region);
        return key.Length > 0 && _byRegion.TryGetValue(key, out var zone) ? zone : null;
    }

    /// <summary>The zone of a number when libphonenumber knows exactly one (not for +7 mobiles).</summary>
    public static string? FindByNumber(string? e164)
    {
        if (string.IsNullOrWhiteSpace(e164))
        {
            return null;
        }

        try
        {
            var zones = _zones.GetTimeZonesForNumber(_util.Parse(e164, "ZZ"));
            return zones.Count == 1 && zones[0] != _zones.GetUnknownTimeZone() ? zones[0] : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    private void Add(CityTimeZone row)
    {
        if (string.IsNullOrWhiteSpace(row.TimeZone))
        {
            return;
        }

        var zone = row.TimeZone.Trim();
        var city = PlaceName.Normalize(row.City);
        if (city.Length > 0)
        {
            _byCity[city] = zone;
        }

        if (!string.IsNullOrWhiteSpace(row.Region))
        {
            foreach (var alias in PlaceName.RegionAliases(row.Region))
            {
                _byRegion.TryAdd(alias, zone);
            }
        }
    }
}
