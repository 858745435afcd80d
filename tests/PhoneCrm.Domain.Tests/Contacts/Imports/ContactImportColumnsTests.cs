using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Contacts.Imports;

namespace PhoneCrm.Domain.Tests.Contacts.Imports;

/// <summary>The one place header synonyms and the phone-column preference live, read against the exports customers bring.</summary>
public sealed class ContactImportColumnsTests
{
    [Fact]
    public void Bitrix24_contact_export_maps_the_mobile_column_to_the_phone_and_keeps_the_others()
    {
        string[] header = ["ID", "Обращение", "Имя", "Фамилия", "Отчество", "Дата рождения", "Рабочий телефон", "Мобильный телефон",
            "Домашний телефон", "Другой телефон", "Рабочий e-mail", "Частный e-mail", "Компания", "Должность", "Город", "Источник", "Ответственный"];
        var found = ContactImportColumns.Detect(header);
        Assert.Equal(7, found[ImportField.Phone]);
        Assert.Equal(6, found[ImportField.OtherPhone1]);
        Assert.Equal(8, found[ImportField.OtherPhone2]);
        Assert.Equal(9, found[ImportField.OtherPhone3]);
        Assert.Equal((2, 3, 4, 5, 10, 14), (found[ImportField.FirstName], found[ImportField.LastName], found[ImportField.MiddleName],
            found[ImportField.BirthDate], found[ImportField.Email], found[ImportField.City]));
        Assert.False(found.ContainsKey(ImportField.FullName));
    }

    [Fact]
    public void AmoCrm_export_maps_the_full_name_and_prefers_the_mobile_phone()
    {
        string[] header = ["ID", "Полное имя контакта", "Компания контакта", "Ответственный", "Теги", "Рабочий телефон", "Мобильный телефон",
            "Рабочий email", "Личный email", "Должность", "Город", "Дата создания"];
        var found = ContactImportColumns.Detect(header);
        Assert.Equal((1, 6, 5, 7, 10, 4), (found[ImportField.FullName], found[ImportField.Phone], found[ImportField.OtherPhone1],
            found[ImportField.Email], found[ImportField.City], found[ImportField.Tags]));
        Assert.False(found.ContainsKey(ImportField.FirstName));
    }

    [Theory]
    [InlineData("Наименование", "Телефон", "Электронная почта")]
    [InlineData("ФИО", "Телефон", "E-mail")]
    [InlineData("Полное наименование", "Контактный телефон", "Адрес электронной почты")]
    public void One_c_and_moysklad_counterparty_exports(string name, string phone, string email)
    {
        var found = ContactImportColumns.Detect(["Код", name, "ИНН", phone, email, "Адрес", "Дата рождения"]);
        Assert.Equal((1, 3, 4, 6), (found[ImportField.FullName], found[ImportField.Phone], found[ImportField.Email], found[ImportField.BirthDate]));
        Assert.False(found.ContainsKey(ImportField.City)); // an address is not a city
    }

    [Theory]
    [InlineData("Мобильный телефон", 0)]
    [InlineData("Моб.", 0)]
    [InlineData("Сотовый", 0)]
    [InlineData("Mobile phone", 0)]
    [InlineData("Телефон", 1)]
    [InlineData("тел.", 1)]
    [InlineData("Номер телефона", 1)]
    [InlineData("Рабочий телефон", 2)]
    [InlineData("Домашний телефон", 2)]
    [InlineData("Другой телефон", 2)]
    [InlineData("Номер клиента", -1)]
    [InlineData("Имя", -1)]
    public void Phone_rank(string header, int rank) => Assert.Equal(rank, ContactImportColumns.PhoneRank(ContactImportColumns.Key(header)));

    [Fact]
    public void A_header_without_a_phone_column_says_so_and_the_column_can_be_found_by_its_content()
    {
        string[] header = ["Номер клиента", "Клиент", "Сумма"];
        Assert.False(ContactImportColumns.Detect(header).ContainsKey(ImportField.Phone));
        Assert.False(ContactImportColumns.LooksLikeData(header));
        IReadOnlyList<string>[] rows = [["A-1", "Иванов Иван", "100"], ["+7 916 111-22-33", "Петрова Анна", "200"], ["8 903 222 33 44", "", ""]];
        Assert.Equal(0, ContactImportColumns.PhoneColumnByContent(rows, []));
        Assert.Equal(-1, ContactImportColumns.PhoneColumnByContent(rows, [0]));
    }

    [Fact]
    public void A_first_row_of_data_is_recognised()
    {
        Assert.True(ContactImportColumns.LooksLikeData(["Иванов Иван", "89161112233", "Москва"]));
        Assert.False(ContactImportColumns.LooksLikeData(["ФИО", "Телефон", "Город"]));
    }

    [Theory]
    [InlineData("Петров Иван Сергеевич", "Петров", "Иван", "Сергеевич")]
    [InlineData("Иван Сергеевич Петров", "Петров", "Иван", "Сергеевич")]
    [InlineData("Петров Иван", "Петров", "Иван", null)]
    [InlineData("Иван Петров", "Петров", "Иван", null)]
    [InlineData("Марина Иванова", "Иванова", "Марина", null)]
    [InlineData("Смирнова Анна", "Смирнова", "Анна", null)]
    [InlineData("Анна Павловна", null, "Анна", "Павловна")]
    [InlineData("  Анна  ", null, "Анна", null)]
    [InlineData("Мамедов Эльдар Рашид оглы", "Мамедов", "Эльдар", "Рашид оглы")]
    [InlineData("", null, null, null)]
    public void Full_name_is_split_in_russian_order(string full, string? last, string? first, string? middle) =>
        Assert.Equal(new PersonName(last, first, middle), PersonName.Split(full));

    [Theory]
    [InlineData("14.03.1985", "1985-03-14")]
    [InlineData("14.03.85", "1985-03-14")]
    [InlineData("01.02.05", "2005-02-01")]
    [InlineData("1985-03-14", "1985-03-14")]
    [InlineData("14.03.1985 00:00:00", "1985-03-14")]
    [InlineData("5.3.85", "1985-03-05")]
    public void Russian_date_formats(string text, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            ContactFields.BirthDateFromText(text, new DateOnly(2026, 6, 1)));

    [Fact]
    public void A_two_digit_year_is_never_in_the_future() =>
        Assert.Equal(new DateOnly(1926, 12, 20), ContactFields.BirthDateFromText("20.12.26", new DateOnly(2026, 6, 1)));
}
