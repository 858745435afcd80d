using PhoneCrm.Domain.Contacts;

namespace PhoneCrm.Domain.Tests.Contacts;

public sealed class TimeZoneResolverTests
{
    private const string TenantZone = "Europe/Moscow";
    private readonly TimeZoneResolver _resolver = TimeZoneResolver.Default;

    [Theory]
    [InlineData("Владивосток", "Asia/Vladivostok")]
    [InlineData("г. Екатеринбург", "Asia/Yekaterinburg")]
    [InlineData("г.Екатеринбург", "Asia/Yekaterinburg")]
    [InlineData("г Екатеринбург", "Asia/Yekaterinburg")]
    [InlineData("город Екатеринбург", "Asia/Yekaterinburg")]
    [InlineData("  ЕКАТЕРИНБУРГ ", "Asia/Yekaterinburg")]
    [InlineData("Пермь", "Asia/Yekaterinburg")]
    [InlineData("пермь", "Asia/Yekaterinburg")]
    [InlineData("Калининград", "Europe/Kaliningrad")]
    [InlineData("Москва", "Europe/Moscow")]
    [InlineData("Новосибирск", "Asia/Novosibirsk")]
    [InlineData("Пермь, Пермский край", "Asia/Yekaterinburg")]
    public void Resolves_by_city(string city, string zone)
    {
        var result = _resolver.Resolve(city, null, (string?)null, TenantZone);

        Assert.Equal(new TimeZoneResolution(zone, TimeZoneSource.City), result);
        Assert.Equal("city", result.SourceName);
    }

    [Fact]
    public void Treats_yo_and_ye_alike_and_keeps_cities_starting_with_g()
    {
        var resolver = new TimeZoneResolver([new CityTimeZone("Королёв", "Московская область", "Europe/Moscow")]);

        Assert.Equal("Europe/Moscow", resolver.FindByCity("Королев"));
        Assert.Equal("Europe/Moscow", resolver.FindByCity("КОРОЛЁВ"));
        Assert.Equal("Europe/Moscow", _resolver.FindByCity("Грозный"));
    }

    [Theory]
    [InlineData("Свердловская область", "Asia/Yekaterinburg")]
    [InlineData("свердловская обл.", "Asia/Yekaterinburg")]
    [InlineData("Приморский край", "Asia/Vladivostok")]
    [InlineData("Кемеровская область", "Asia/Novokuznetsk")]
    [InlineData("Якутия", "Asia/Yakutsk")]
    [InlineData("Татарстан", "Europe/Moscow")]
    [InlineData("респ. Бурятия", "Asia/Irkutsk")]
    public void Falls_back_to_the_region_when_the_city_is_unknown(string region, string zone)
    {
        var result = _resolver.Resolve("Деревня Неизвестная", region, (string?)null, TenantZone);

        Assert.Equal(new TimeZoneResolution(zone, TimeZoneSource.Region), result);
    }

    [Fact]
    public void City_wins_over_region_and_number()
    {
        var result = _resolver.Resolve("Владивосток", "Москва", "+74951234567", TenantZone);

        Assert.Equal(TimeZoneSource.City, result.Source);
        Assert.Equal("Asia/Vladivostok", result.TimeZone);
    }

    [Fact]
    public void Landline_number_gives_its_zone()
    {
        var result = _resolver.Resolve(null, null, "+74951234567", "Asia/Omsk");

        Assert.Equal(new TimeZoneResolution("Europe/Moscow", TimeZoneSource.Number), result);
    }

    [Fact]
    public void Landline_outside_Moscow_gives_its_zone()
    {
        var phone = PhoneParser.Parse("8 (343) 123-45-67").Phone; // Yekaterinburg landline

        var result = _resolver.Resolve("", "", phone, TenantZone);

        Assert.Equal(new TimeZoneResolution("Asia/Yekaterinburg", TimeZoneSource.Number), result);
    }

    [Fact]
    public void Russian_mobile_without_city_falls_back_to_the_tenant_zone()
    {
        var result = _resolver.Resolve(null, null, "+79161234567", "Asia/Novosibirsk");

        Assert.Equal(new TimeZoneResolution("Asia/Novosibirsk", TimeZoneSource.Tenant), result);
        Assert.Equal("tenant", result.SourceName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a number")]
    public void Missing_or_bad_number_falls_back_to_the_tenant_zone(string? e164)
    {
        Assert.Equal(TimeZoneSource.Tenant, _resolver.Resolve("  ", null, e164, TenantZone).Source);
    }

    [Fact]
    public void Admin_rows_extend_and_override_cities_but_do_not_move_known_regions()
    {
        var resolver = new TimeZoneResolver(
        [
            new CityTimeZone("Среднеколымск", "Республика Саха (Якутия)", "Asia/Srednekolymsk"),
            new CityTimeZone("Пермь", "Пермский край", "Asia/Omsk"),
            new CityTimeZone("", "Донецкая Народная Республика", "Europe/Moscow"),
        ]);

        Assert.Equal("Asia/Srednekolymsk", resolver.FindByCity("среднеколымск"));
        Assert.Equal("Asia/Omsk", resolver.FindByCity("Пермь"));
        Assert.Equal("Asia/Yakutsk", resolver.FindByRegion("Республика Саха (Якутия)"));
        Assert.Equal("Europe/Moscow", resolver.FindByRegion("Донецкая Народная Республика"));
        Assert.Null(resolver.FindByCity(""));
    }

    [Fact]
    public void Built_in_table_is_embedded()
    {
        Assert.True(CityTable.BuiltIn.Count >= 100);
        Assert.All(CityTable.BuiltIn, row => Assert.Contains('/', row.TimeZone));
    }
}
