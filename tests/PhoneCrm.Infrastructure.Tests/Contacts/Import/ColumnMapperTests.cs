using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Tests.Contacts.Import;

public class ColumnMapperTests
{
    [Fact]
    public void Maps_russian_headers()
    {
        var mapping = ColumnMapper.Map([" Телефон ", "Имя", "ФАМИЛИЯ", "Эл. почта", "Город", "Пол", "Дата рождения", "Интересы", "Комментарий"]);
        Assert.Equal(
            new Dictionary<ImportField, int>
            {
                [ImportField.Phone] = 0, [ImportField.FirstName] = 1, [ImportField.LastName] = 2, [ImportField.Email] = 3,
                [ImportField.City] = 4, [ImportField.Gender] = 5, [ImportField.BirthDate] = 6, [ImportField.Tags] = 7,
            },
            mapping.Columns);
    }

    [Fact]
    public void Maps_english_headers_and_variants()
    {
        var mapping = ColumnMapper.Map(["id", "Name", "Surname", "E-Mail", "CITY", "gender", "birthday", "tags", "Phone_Number"]);
        Assert.Equal(8, mapping.Phone);
        Assert.Equal(1, mapping[ImportField.FirstName]);
        Assert.Equal(2, mapping[ImportField.LastName]);
        Assert.Equal(3, mapping[ImportField.Email]);
        Assert.Equal(4, mapping[ImportField.City]);
        Assert.Equal(5, mapping[ImportField.Gender]);
        Assert.Equal(6, mapping[ImportField.BirthDate]);
        Assert.Equal(7, mapping[ImportField.Tags]);
    }

    [Theory]
    [InlineData("тел.")]
    [InlineData("Мобильный")]
    [InlineData("номер")]
    [InlineData("mobile")]
    [InlineData("Мобильный телефон клиента")]
    [InlineData("PHONE")]
    public void Phone_synonyms(string header) => Assert.Equal(1, ColumnMapper.Map(["x", header]).Phone);

    [Theory]
    [InlineData("др", ImportField.BirthDate)]
    [InlineData("почта", ImportField.Email)]
    [InlineData("email", ImportField.Email)]
    [InlineData("метки", ImportField.Tags)]
    [InlineData("теги", ImportField.Tags)]
    [InlineData("firstname", ImportField.FirstName)]
    [InlineData("last_name", ImportField.LastName)]
    public void Other_synonyms(string header, ImportField field) =>
        Assert.Equal(1, ColumnMapper.Map(["phone", header])[field]);

    [Fact]
    public void A_mobile_column_is_the_phone_the_others_are_other_phones_and_unmapped_fields_are_minus_one()
    {
        // Before issue 19 the first phone-like column won; for an SMS base the mobile one does.
        var mapping = ColumnMapper.Map(["Телефон", "Мобильный", "Имя"]);
        Assert.Equal(1, mapping.Phone);
        Assert.Equal(0, mapping[ImportField.OtherPhone1]);
        Assert.Equal(-1, mapping[ImportField.Email]);
    }

    [Fact]
    public void No_phone_column_is_an_error_but_detect_still_reports_the_rest()
    {
        var ex = Assert.Throws<ImportFormatException>(() => ColumnMapper.Map(["Имя", "Город"]));
        Assert.Equal("no phone column", ex.Message);
        Assert.Equal(new Dictionary<ImportField, int> { [ImportField.FirstName] = 0, [ImportField.City] = 1 }, ContactImportColumns.Detect(["Имя", "Город"]));
    }

    [Fact]
    public void The_wizard_can_override()
    {
        var mapping = ColumnMapper.Map(["Контакт", "Имя", "Город"], new Dictionary<ImportField, int> { [ImportField.Phone] = 0, [ImportField.City] = -1 });
        Assert.Equal(0, mapping.Phone);
        Assert.Equal(-1, mapping[ImportField.City]);

        var changed = mapping.With(new Dictionary<ImportField, int> { [ImportField.LastName] = 2 });
        Assert.Equal(2, changed[ImportField.LastName]);
        Assert.Throws<ImportFormatException>(() => mapping.With(new Dictionary<ImportField, int> { [ImportField.Phone] = -1 }));
    }

    [Fact]
    public void Field_names()
    {
        Assert.Equal(["phone", "other_phone_1", "other_phone_2", "other_phone_3", "full_name", "last_name", "first_name", "middle_name", "email",
            "city", "gender", "birth_date", "tags"], ImportFields.All.Select(f => f.Name()));
        Assert.True(ImportFields.TryParse(" Birth_Date ", out var field));
        Assert.Equal(ImportField.BirthDate, field);
    }
}
