using System.Text.Json.Nodes;
using PhoneCrm.Domain.Contacts;

namespace PhoneCrm.Domain.Tests.Contacts;

public sealed class ContactFieldsTests
{
    private static readonly DateOnly _today = new(2026, 6, 1);

    [Theory]
    [InlineData("ivan@example.ru", true)]
    [InlineData("Ivan.Petrov@Mail.RU", true)]
    [InlineData("иван@почта.рф", true)]
    [InlineData("a@xn--80a1acny.xn--p1ai", true)]
    [InlineData("a+tag@sub.example.com", true)]
    [InlineData("not-an-email", false)]
    [InlineData("anna@", false)]
    [InlineData("a@b", false)]
    [InlineData("a b@c.ru", false)]
    [InlineData("a@@c.ru", false)]
    [InlineData("a..b@c.ru", false)]
    [InlineData(".a@c.ru", false)]
    [InlineData("a@-c.ru", false)]
    [InlineData("a@c.r1", false)]
    [InlineData("a@c.r", false)]
    [InlineData("a<b>@c.ru", false)]
    public void Email(string email, bool valid) => Assert.Equal(valid, ContactFields.IsEmail(email));

    [Fact]
    public void Email_longer_than_254_or_with_a_local_part_over_64_is_refused()
    {
        Assert.True(ContactFields.IsEmail(new string('a', 64) + "@b.ru"));
        Assert.False(ContactFields.IsEmail(new string('a', 65) + "@b.ru"));
        Assert.False(ContactFields.IsEmail("a@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 5)) + ".ru"));
    }

    [Theory]
    [InlineData("  Garden ", "garden")]
    [InlineData("Сад  и\tОгород", "сад и огород")]
    [InlineData("VIP", "vip")]
    public void Tags_are_trimmed_collapsed_and_lower_case(string tag, string expected) =>
        Assert.Equal(expected, ContactFields.NormalizeTag(tag));

    [Fact]
    public void Limits_are_those_the_api_and_the_import_share() =>
        Assert.Equal((100, 254, 100, 50, 20, 200), (ContactFields.NameMax, ContactFields.EmailMax, ContactFields.CityMax,
            ContactFields.TagMax, ContactFields.TagsMax, ContactFields.SourceDetailMax));

    [Theory]
    [InlineData("male", true)]
    [InlineData(" Female ", true)]
    [InlineData("UNKNOWN", true)]
    [InlineData("м", false)]
    [InlineData("robot", false)]
    public void Api_gender_is_one_of_three_codes(string gender, bool valid) => Assert.Equal(valid, ContactFields.IsGender(gender));

    [Theory]
    [InlineData("м", "male")]
    [InlineData("Муж.", "male")]
    [InlineData("F", "female")]
    [InlineData("женщина", "female")]
    [InlineData("не указан", "unknown")]
    [InlineData("robot", null)]
    public void File_gender_reads_what_people_write(string text, string? expected) =>
        Assert.Equal(expected, ContactFields.GenderFromText(text));

    [Theory]
    [InlineData("1900-01-01", true)]
    [InlineData("2026-06-01", true)]
    [InlineData("1899-12-31", false)]
    [InlineData("2026-06-02", false)]
    public void Birth_date_is_between_1900_and_today(string date, bool valid) =>
        Assert.Equal(valid, ContactFields.IsBirthDateInRange(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), _today));

    [Theory]
    [InlineData("1990-05-01", true)]
    [InlineData(" 1990-05-01 ", true)]
    [InlineData("01.05.1990", false)]
    [InlineData("1990-13-01", false)]
    public void Api_birth_date_is_iso(string text, bool valid) => Assert.Equal(valid, ContactFields.TryParseIsoDate(text, out _));

    [Theory]
    [InlineData("1985-03-15", "1985-03-15")]
    [InlineData("1985-03-15 00:00:00", "1985-03-15")]
    [InlineData("15.03.1985", "1985-03-15")]
    [InlineData("15/03/1985", "1985-03-15")]
    [InlineData("31134", "1985-03-28")]
    [InlineData("1985", null)]
    [InlineData("2999-01-01", null)]
    [InlineData("01.01.1899", null)]
    public void File_birth_date_reads_common_forms_within_range(string text, string? expected) =>
        Assert.Equal(expected, ContactFields.BirthDateFromText(text, _today)?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Attributes_are_at_most_16_kB_with_names_of_1_to_64_characters()
    {
        Assert.Null(ContactFields.AttributesError(new JsonObject { ["loyaltyLevel"] = "gold" }));
        Assert.Equal(ContactFields.AttributesSizeMessage, ContactFields.AttributesError(new JsonObject { ["a"] = new string('x', 17_000) }));
        Assert.Equal(ContactFields.AttributeNameMessage, ContactFields.AttributesError(new JsonObject { [new string('k', 65)] = 1 }));
        Assert.Equal(ContactFields.AttributeNameMessage, ContactFields.AttributesError(new JsonObject { [""] = 1 }));
    }

    [Theory]
    [InlineData("Иван", true)]
    [InlineData("Анна-Мария О'Нил", true)]
    [InlineData("Иван\nПетров", false)]
    [InlineData("Иван\0", false)]
    [InlineData("Tab\there", false)]
    public void Names_are_single_line(string text, bool valid) => Assert.Equal(valid, ContactFields.IsSingleLine(text));

    [Theory]
    [InlineData(" Анна\r\n  Мария", "Анна Мария")]
    [InlineData("Ростов-на-Дону", "Ростов-на-Дону")]
    [InlineData("a\u00a0\tb", "a b")]
    public void Whitespace_runs_collapse_to_one_space(string text, string expected) =>
        Assert.Equal(expected, ContactFields.CollapseWhitespace(text.AsSpan().Trim(), text));
}
