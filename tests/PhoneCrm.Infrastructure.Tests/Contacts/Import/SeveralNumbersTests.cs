using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Tests.Contacts.Import;

/// <summary>Rows with several numbers (phone columns of a CRM export, two numbers in a cell) and a «ФИО» cell.</summary>
public sealed class SeveralNumbersTests
{
    private static readonly ImportRowNormalizer _bitrix = new(ColumnMapper.Map(
        ["Имя", "Рабочий телефон", "Мобильный телефон", "Домашний телефон", "Другой телефон"]), today: new DateOnly(2026, 6, 1));

    private static ImportRowResult Bitrix(params string[] fields) => _bitrix.Normalize(new SourceRow(2, fields));

    [Fact]
    public void The_mobile_column_wins_and_the_landline_is_kept_aside()
    {
        var row = Assert.IsType<NormalizedImportRow>(Bitrix("Иван", "+7 (495) 123-45-67", "+7 916 111-22-33", "", ""));
        Assert.Equal(("+79161112233", "mobile"), (row.Phone.E164, row.Phone.Type));
        Assert.Equal(["+74951234567"], row.OtherPhones);
    }

    [Fact]
    public void Only_a_mobile_is_imported_and_only_a_landline_too()
    {
        Assert.Equal("+79032223344", Assert.IsType<NormalizedImportRow>(Bitrix("Анна", "", "8 903 222-33-44", "", "")).Phone.E164);
        var landline = Assert.IsType<NormalizedImportRow>(Bitrix("Елена", "8 (812) 300-20-10", "", "", ""));
        Assert.Equal(("+78123002010", "fixed_line"), (landline.Phone.E164, landline.Phone.Type));
        Assert.Empty(landline.OtherPhones);
    }

    [Fact]
    public void A_mobile_in_a_work_cell_with_two_numbers_wins()
    {
        var row = Assert.IsType<NormalizedImportRow>(Bitrix("Олег", "8 (495) 765-43-21; +7 916 555-66-77", "", "", ""));
        Assert.Equal("+79165556677", row.Phone.E164);
        Assert.Equal(["+74957654321"], row.OtherPhones);
    }

    [Fact]
    public void No_number_anywhere_is_missing_phone_and_a_bad_one_says_why()
    {
        Assert.Equal("missing phone", Assert.IsType<RejectedRow>(Bitrix("Без", "", "", "", "")).Reason);
        var bad = Assert.IsType<RejectedRow>(Bitrix("Плохой", "12345", "", "", ""));
        Assert.Equal(("12345", "invalid phone: too short"), (bad.Value, bad.Reason));
    }

    [Fact]
    public void A_valid_number_elsewhere_saves_a_row_whose_mobile_cell_is_junk_and_repeats_are_one()
    {
        var row = Assert.IsType<NormalizedImportRow>(Bitrix("Пётр", "8 916 111 22 33", "нет", "", "+7 916 111-22-33"));
        Assert.Equal("+79161112233", row.Phone.E164);
        Assert.Empty(row.OtherPhones);
    }

    [Theory]
    [InlineData("+7 916 111-22-33, 8 (495) 123-45-67", new[] { "+7 916 111-22-33", " 8 (495) 123-45-67" })]
    [InlineData("8 (495) 123-45-67, доб. 12", new[] { "8 (495) 123-45-67, доб. 12" })]
    [InlineData("89161112233", new[] { "89161112233" })]
    public void Numbers_in_a_cell(string cell, string[] numbers) => Assert.Equal(numbers, ImportRowNormalizer.SplitNumbers(cell));

    [Fact]
    public void A_single_phone_column_with_one_number_is_read_as_before()
    {
        var plain = new ImportRowNormalizer(ColumnMapper.Map(["phone"]));
        var row = Assert.IsType<NormalizedImportRow>(plain.Normalize(new SourceRow(2, ["8 (495) 123-45-67 доб. 12"])));
        Assert.Equal(("+74951234567", "12"), (row.Phone.E164, row.Phone.Extension));
    }

    [Fact]
    public void A_full_name_fills_only_what_its_own_columns_leave_empty()
    {
        var normalizer = new ImportRowNormalizer(ColumnMapper.Map(["ФИО", "Телефон", "Имя"]));
        var row = Assert.IsType<NormalizedImportRow>(normalizer.Normalize(new SourceRow(2, ["Петров Иван Сергеевич", "89161112233", "Ваня"])));
        Assert.Equal(("Петров", "Ваня", "Сергеевич"), (row.LastName, row.FirstName, row.MiddleName));
    }
}
