using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Tests.Contacts.Import;

public class ImportRowNormalizerTests
{
    private static readonly DateOnly _today = new(2026, 6, 1);

    private static readonly ImportRowNormalizer _normalizer =
        new(ColumnMapper.Map(["phone", "first_name", "last_name", "email", "city", "gender", "birth_date", "tags"]), today: _today);

    private static ImportRowResult Normalize(params string[] fields) => _normalizer.Normalize(new SourceRow(7, fields));

    private static NormalizedImportRow Ok(params string[] fields) => Assert.IsType<NormalizedImportRow>(Normalize(fields));

    private static RejectedRow Rejected(params string[] fields) => Assert.IsType<RejectedRow>(Normalize(fields));

    [Theory]
    [InlineData("8 (916) 123-45-67")]
    [InlineData("+7 916 123 45 67")]
    [InlineData("9161234567")]
    [InlineData("8-916-123-45-67")]
    [InlineData("+7(916)1234567")]
    [InlineData("  79161234567 ")]
    public void Phone_formats(string phone)
    {
        var row = Ok(phone);
        Assert.Equal("+79161234567", row.Phone.E164);
        Assert.Equal("mobile", row.Phone.Type);
        Assert.Equal("RU", row.Phone.Region);
        Assert.Equal(7, row.Line);
        Assert.Empty(row.Tags);
        Assert.Empty(row.InvalidFields);
        Assert.Null(row.FirstName);
    }

    [Fact]
    public void Extension_is_kept_apart_and_kz_is_kz()
    {
        var ext = Ok("8 916 123-45-67 доб. 12").Phone;
        Assert.Equal(("+79161234567", "12"), (ext.E164, ext.Extension));
        Assert.Equal("KZ", Ok("+7 701 123 45 67").Phone.Region);
        Assert.Equal("fixed_line", Ok("8 (495) 123-45-67").Phone.Type);
    }

    [Theory]
    [InlineData("", "", "missing phone")]
    [InlineData("   ", "   ", "missing phone")]
    [InlineData("12345", "12345", "invalid phone: too short")]
    [InlineData("нет", "нет", "invalid phone: not a phone number")]
    [InlineData("=79161234567", "=79161234567", "invalid phone: not a phone number")]
    [InlineData("=HYPERLINK(\"tel:+79161234567\")", "=HYPERLINK(\"tel:+79161234567\")", "invalid phone: not a phone number")]
    [InlineData("@SUM(1)", "@SUM(1)", "invalid phone: not a phone number")]
    [InlineData("+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "invalid phone: not a phone number")]
    [InlineData("-2+3+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "invalid phone: not a phone number")]
    public void Rejected_phones(string phone, string value, string reason)
    {
        var row = Rejected(phone, "Иван");
        Assert.Equal(new RejectedRow(7, value, reason), row);
    }

    [Fact]
    public void Row_shorter_than_the_phone_column_is_missing_phone()
    {
        var normalizer = new ImportRowNormalizer(ColumnMapper.Map(["name", "phone"]), today: _today);
        Assert.Equal(new RejectedRow(3, "", "missing phone"), normalizer.Normalize(new SourceRow(3, ["Иван"])));
    }

    [Fact]
    public void Oversized_fields_reject_quickly_and_the_value_is_cut_to_200()
    {
        var big = new string('9', 100_000);
        var phone = Rejected(big);
        Assert.Equal("invalid phone: too long", phone.Reason);
        Assert.Equal(200, phone.Value.Length);

        Assert.Equal("field too long: first_name", Rejected("89161234567", big).Reason);
        Assert.Equal("field too long: first_name", Rejected("89161234567", new string('я', 101)).Reason);
        Assert.Equal("Я", Ok("89161234567", "  Я  ").FirstName);
        Assert.Equal("field too long: last_name", Rejected("89161234567", "", big).Reason);
        Assert.Equal("field too long: email", Rejected("89161234567", "", "", new string('a', 250) + "@b.ru").Reason);
        Assert.Equal("field too long: city", Rejected("89161234567", "", "", "", big).Reason);
        Assert.Equal("field too long: gender", Rejected("89161234567", "", "", "", "", big).Reason);
        Assert.Equal("field too long: birth_date", Rejected("89161234567", "", "", "", "", "", big).Reason);
        Assert.Equal("field too long: tags", Rejected("89161234567", "", "", "", "", "", "", big).Reason);
        Assert.Equal("field too long: tags", Rejected("89161234567", "", "", "", "", "", "", "ok|" + new string('t', 51)).Reason);
        Assert.Equal("too many tags", Rejected("89161234567", "", "", "", "", "", "", string.Join('|', Enumerable.Range(0, 21))).Reason);
        Assert.Equal(20, Ok("89161234567", "", "", "", "", "", "", string.Join('|', Enumerable.Range(0, 20)) + "|0|1").Tags.Count);

        // A 100 kB field of a column that is not mapped is ignored.
        Assert.IsType<NormalizedImportRow>(Normalize("89161234567", "", "", "", "", "", "", "", big));
    }

    [Fact]
    public void Text_fields_are_trimmed_and_whitespace_collapsed_and_formulas_kept_as_text()
    {
        var row = Ok("89161234567", " Анна\r\n  Мария ", "=HYPERLINK(\"http://x\")", "", "  Ростов-на-Дону \t", "", "", "");
        Assert.Equal("Анна Мария", row.FirstName);
        Assert.Equal("=HYPERLINK(\"http://x\")", row.LastName);
        Assert.Equal("Ростов-на-Дону", row.City);
        Assert.Equal("=cmd|' /C calc'!A0", Ok("89161234567", "=cmd|' /C calc'!A0").FirstName);
    }

    [Fact]
    public void Control_characters_drop_the_text_value_not_the_row()
    {
        var row = Ok("89161234567", "Ив\0ан", "Петров", "", "Мос\u0001ква", "", "", "garden|to\0ols");
        Assert.Null(row.FirstName);
        Assert.Equal("Петров", row.LastName);
        Assert.Null(row.City);
        Assert.Equal(["garden"], row.Tags);
        Assert.Equal(["first_name", "city", "tags"], row.InvalidFields);
    }

    [Theory]
    [InlineData("Ivan.Petrov@Mail.RU", "ivan.petrov@mail.ru")]
    [InlineData(" a@b.co ", "a@b.co")]
    [InlineData("иван@почта.рф", "иван@почта.рф")]
    [InlineData("a@xn--80a1acny.xn--p1ai", "a@xn--80a1acny.xn--p1ai")]
    [InlineData("anna@", null)]
    [InlineData("a@b", null)]
    [InlineData("a b@c.ru", null)]
    [InlineData("a@@c.ru", null)]
    [InlineData("a..b@c.ru", null)]
    [InlineData("a@-c.ru", null)]
    [InlineData("a@c.r1", null)]
    public void Emails(string input, string? expected)
    {
        var row = Ok("89161234567", "", "", input);
        Assert.Equal(expected, row.Email);
        Assert.Equal(expected is null ? ["email"] : [], row.InvalidFields);
    }

    [Theory]
    [InlineData("м", "male")]
    [InlineData("М", "male")]
    [InlineData("муж.", "male")]
    [InlineData("Мужской", "male")]
    [InlineData("male", "male")]
    [InlineData("M", "male")]
    [InlineData("m", "male")]
    [InlineData("ж", "female")]
    [InlineData("жен", "female")]
    [InlineData("Female", "female")]
    [InlineData("F", "female")]
    [InlineData("f", "female")]
    [InlineData("unknown", "unknown")]
    [InlineData("не указан", "unknown")]
    [InlineData("x", null)]
    public void Genders(string input, string? expected)
    {
        var row = Ok("89161234567", "", "", "", "", input);
        Assert.Equal(expected, row.Gender);
        Assert.Equal(expected is null ? ["gender"] : [], row.InvalidFields);
    }

    [Theory]
    [InlineData("1985-03-15", "1985-03-15")]
    [InlineData("15.03.1985", "1985-03-15")]
    [InlineData("5.3.1985", "1985-03-05")]
    [InlineData("15/03/1985", "1985-03-15")]
    [InlineData("1985-03-15 00:00:00", "1985-03-15")]
    [InlineData("32874", "1990-01-01")]
    [InlineData("2026-06-01", "2026-06-01")]
    [InlineData("2026-06-02", null)] // future
    [InlineData("1899-12-31", null)]
    [InlineData("31.02.1990", null)]
    [InlineData("1990-13-01", null)]
    [InlineData("1990", null)]
    [InlineData("99999", null)] // serial in 2173
    [InlineData("вчера", null)]
    public void Birth_dates(string input, string? expected)
    {
        var row = Ok("89161234567", "", "", "", "", "", input);
        Assert.Equal(expected is null ? null : DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), row.BirthDate);
        Assert.Equal(expected is null ? ["birth_date"] : [], row.InvalidFields);
    }

    [Fact]
    public void Tags_are_split_trimmed_lower_cased_and_distinct()
    {
        Assert.Equal(["vip", "сад", "огород", "большой клиент"], Ok("89161234567", "", "", "", "", "", "", " VIP | Сад,огород;;vip|САД| большой   клиент ").Tags);
    }

    [Fact]
    public void Several_invalid_optional_fields_are_all_listed()
    {
        var row = Ok("89161234567", "Иван", "", "bad@", "", "?", "31.02.1990");
        Assert.Equal(["email", "gender", "birth_date"], row.InvalidFields);
        Assert.Equal("Иван", row.FirstName);
    }

    [Fact]
    public void Batch_is_parallel_ordered_and_equal_to_sequential()
    {
        var rows = Enumerable.Range(0, 6000)
            .Select(i => new SourceRow(i + 2, [i % 10 == 0 ? "junk" : $"8 916 {i:0000000}", $"name{i}", "", $"u{i}@mail.ru"]))
            .ToList();
        var batch = _normalizer.NormalizeBatch(rows);
        Assert.Equal(rows.Count, batch.Length);
        for (var i = 0; i < rows.Count; i++)
        {
            var sequential = _normalizer.Normalize(rows[i]);
            Assert.Equal(rows[i].Line, batch[i].Line);
            Assert.Equal(sequential.GetType(), batch[i].GetType());
            if (sequential is NormalizedImportRow s)
            {
                var b = (NormalizedImportRow)batch[i];
                Assert.Equal((s.Phone, s.FirstName, s.Email), (b.Phone, b.FirstName, b.Email));
            }
            else
            {
                Assert.Equal(sequential, batch[i]);
            }
        }

        Assert.Equal(600, batch.OfType<RejectedRow>().Count());
    }
}
