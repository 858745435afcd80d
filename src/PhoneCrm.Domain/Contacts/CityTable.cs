namespace PhoneCrm.Domain.Contacts;

/// <summary>Reads the embedded <c>ru-cities-timezones.csv</c> (columns city,region,time_zone; no quoting needed).</summary>
public static class CityTable
{
    private const string ResourceName = "PhoneCrm.Domain.Contacts.Data.ru-cities-timezones.csv";

    private static readonly Lazy<IReadOnlyList<CityTimeZone>> _builtIn = new(Load);

    /// <summary>The starting table shipped with the product (regional capitals and large cities).</summary>
    public static IReadOnlyList<CityTimeZone> BuiltIn => _builtIn.Value;

    private static IReadOnlyList<CityTimeZone> Load()
    {
        using var stream = typeof(CityTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);

        var rows = new List<CityTimeZone>();
        reader.ReadLine(); // header
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(',');
            if (parts.Length == 3 && parts[2].Trim().Length > 0)
            {
                rows.Add(new CityTimeZone(parts[0].Trim(), parts[1].Trim(), parts[2].Trim()));
            }
        }

        return rows;
    }
}
