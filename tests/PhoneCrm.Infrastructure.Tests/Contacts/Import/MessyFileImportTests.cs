using System.Text;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Tests.Contacts.Import;

/// <summary>The messy file of issue 3: read + map + normalise + in-file dedupe, asserted exactly in three encodings.</summary>
public class MessyFileImportTests
{
    private static readonly string _big = new('x', 100_000);
    private static readonly string _bigPhone = new('9', 100_000);

    internal static string MessyFile() =>
        "Телефон;Имя;Фамилия;E-mail;Город;Пол;Дата рождения;Теги\r\n"                                    // 1
        + "8 (916) 123-45-67;Иван;Петров;Ivan.Petrov@Mail.RU;  Москва  ;м;15.03.1985;VIP|Сад, огород\r\n"   // 2
        + "+7 916 123 45 67;Иван;;;;;;\r\n"                                                               // 3 duplicate of 2
        + "\r\n"                                                                                          // 4 empty
        + "9031234567;\"Анна; Мария\r\nСергеевна\";\"Сидорова\";anna@;\"Санкт-Петербург\";ж;1990-13-01;опт\r\n" // 5-6
        + "12345;Junk;Short;;;;;\r\n"                                                                     // 7
        + "\"=HYPERLINK(\"\"http://evil\"\")\";Формула;;;;;;\r\n"                                          // 8
        + "8-926-555-44-33;=cmd|' /C calc'!A0;@Формулов;;;female;32874;\r\n"                              // 9
        + "79265554433;;;;;;;\r\n"                                                                        // 10 duplicate of 9
        + "+7(985)1112233;" + _big + ";;;;;;\r\n"                                                         // 11
        + _bigPhone + ";Большой;;;;;;\r\n"                                                                // 12
        + ";Без;Телефона;;;;;\r\n"                                                                        // 13
        + "8 916 765 43 21 доб. 12;Ольга;;OLGA@YANDEX.RU;Казань;Ж;01/02/2000;\r\n"                        // 14
        + "+7 701 123 45 67;Айгуль;;;Алматы;;;\r\n"                                                       // 15
        + ";;;;;;;\r\n"                                                                                   // 16 blank
        + "8(495)123-45-67;Офис;;;Москва;;;";                                                             // 17, no final newline

    public static TheoryData<string> Variants => ["utf-8-bom", "utf-8", "windows-1251"];

    private static MemoryStream Encode(string variant) => variant switch
    {
        "utf-8-bom" => ImportFileReaderTests.Bytes(MessyFile(), bom: true),
        "utf-8" => ImportFileReaderTests.Bytes(MessyFile()),
        _ => ImportFileReaderTests.Bytes(MessyFile(), CodePages.Windows1251),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Messy_file_gives_exact_results(string variant)
    {
        using var reader = ImportFileReader.Open(Encode(variant));
        Assert.Equal(variant == "windows-1251" ? "windows-1251" : "utf-8", reader.EncodingName);
        Assert.Equal(';', reader.Delimiter);
        Assert.Equal(13, ImportFileReader.CountDataRows(Encode(variant)));

        var normalizer = new ImportRowNormalizer(ColumnMapper.Map(reader.Header.Fields), today: new DateOnly(2026, 6, 1));
        var results = normalizer.NormalizeBatch(reader.ReadRows().ToList());
        Assert.Equal([2, 3, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17], results.Select(r => r.Line));

        var rejected = results.OfType<RejectedRow>().ToList();
        Assert.Equal(
            [
                new RejectedRow(7, "12345", "invalid phone: too short"),
                new RejectedRow(8, "=HYPERLINK(\"http://evil\")", "invalid phone: not a phone number"),
                new RejectedRow(11, "+7(985)1112233", "field too long: first_name"),
                new RejectedRow(12, new string('9', 200), "invalid phone: too long"),
                new RejectedRow(13, "", "missing phone"),
            ],
            rejected);

        var filter = new InFileDuplicateFilter();
        var created = new List<NormalizedImportRow>();
        var duplicates = new List<int>();
        foreach (var row in results.OfType<NormalizedImportRow>())
        {
            if (filter.Add(row.Phone))
            {
                created.Add(row);
            }
            else
            {
                duplicates.Add(row.Line);
            }
        }

        Assert.Equal([3, 10], duplicates);
        Assert.Equal(
            ["+79161234567", "+79031234567", "+79265554433", "+79167654321", "+77011234567", "+74951234567"],
            created.Select(r => r.Phone.E164));

        var ivan = created[0];
        Assert.Equal(("Иван", "Петров", "ivan.petrov@mail.ru", "Москва", "male"), (ivan.FirstName, ivan.LastName, ivan.Email, ivan.City, ivan.Gender));
        Assert.Equal(new DateOnly(1985, 3, 15), ivan.BirthDate);
        Assert.Equal(["vip", "сад", "огород"], ivan.Tags);
        Assert.Empty(ivan.InvalidFields);

        var anna = created[1];
        Assert.Equal(5, anna.Line);
        Assert.Equal(("Анна; Мария Сергеевна", "Сидорова", null, "Санкт-Петербург", "female", null), (anna.FirstName, anna.LastName, anna.Email, anna.City, anna.Gender, anna.BirthDate));
        Assert.Equal(["опт"], anna.Tags);
        Assert.Equal(["email", "birth_date"], anna.InvalidFields);

        var formulas = created[2];
        Assert.Equal(("=cmd|' /C calc'!A0", "@Формулов", "female", new DateOnly(1990, 1, 1)), (formulas.FirstName, formulas.LastName, formulas.Gender, formulas.BirthDate));

        var olga = created[3];
        Assert.Equal(("12", "olga@yandex.ru", "Казань", "female", new DateOnly(2000, 2, 1)), (olga.Phone.Extension, olga.Email, olga.City, olga.Gender, olga.BirthDate));
        Assert.Equal(14, olga.Line);

        Assert.Equal("KZ", created[4].Phone.Region);
        Assert.Equal(("fixed_line", 17), (created[5].Phone.Type, created[5].Line));

        // The counts the API reports: created + duplicates + rejected = processed = total.
        Assert.Equal(13, created.Count + duplicates.Count + rejected.Count);
    }

    [Fact]
    public async Task Rejected_report_is_rfc4180_with_formulas_neutralised()
    {
        using var reader = ImportFileReader.Open(Encode("utf-8"));
        var normalizer = new ImportRowNormalizer(ColumnMapper.Map(reader.Header.Fields));
        var rejected = normalizer.NormalizeBatch(reader.ReadRows().ToList()).OfType<RejectedRow>().ToList();

        var text = new StringWriter();
        await RejectedRowsCsvWriter.WriteAllAsync(text, rejected);
        Assert.Equal(
            "line,value,reason\r\n"
            + "7,12345,invalid phone: too short\r\n"
            + "8,\"'=HYPERLINK(\"\"http://evil\"\")\",invalid phone: not a phone number\r\n"
            + "11,'+7(985)1112233,field too long: first_name\r\n"
            + "12," + new string('9', 200) + ",invalid phone: too long\r\n"
            + "13,,missing phone\r\n",
            text.ToString());
    }

    [Fact]
    public void The_bytes_of_the_1251_variant_are_really_1251()
    {
        var bytes = Encode("windows-1251").ToArray();
        Assert.Equal(0xD2, bytes[0]); // 'Т' in Windows-1251
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(bytes));
    }
}
