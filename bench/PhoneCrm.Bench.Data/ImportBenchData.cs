using System.Globalization;
using System.Text;
using Bogus;
using PhoneCrm.Domain.Contacts;

namespace PhoneCrm.Bench.Data;

/// <summary>Exact composition of a generated file: <c>Rows = ValidUnique + Duplicates + Junk</c>.</summary>
/// <param name="ValidUnique">Rows whose number is valid and first seen (→ created on an empty tenant).</param>
/// <param name="Duplicates">Rows repeating an earlier valid row's number in another written form.</param>
/// <param name="Junk">Rows that must be rejected (missing, short, letters, formulas).</param>
/// <param name="PhysicalLines">Lines in the file including the header (some comments span two lines).</param>
public sealed record ImportBenchCounts(int Rows, int ValidUnique, int Duplicates, int Junk, int PhysicalLines);

/// <summary>
/// Generates a realistic, messy Russian contact CSV for the import benchmark and tests: <c>;</c>-delimited UTF-8
/// with BOM, CRLF; phones in the forms people type (<c>8 (916) 123-45-67</c>, <c>+7 916 123 45 67</c>,
/// <c>9161234567</c>, <c>8-916-123-45-67</c>, <c>+7(916)1234567</c>, sometimes with <c>доб. 12</c>), ~3 % junk
/// phones, ~5 % repeats of earlier numbers in another form, Bogus "ru" names, emails, cities of
/// <see cref="CityTable.BuiltIn"/>, mixed gender spellings and date formats, tags, and a free-text comment column
/// that is sometimes quoted with a <c>;</c> or a line break inside. Deterministic for a seed.
/// </summary>
public static class ImportBenchData
{
    public const double JunkShare = 0.03;
    public const double DuplicateShare = 0.05;

    public static readonly string[] Header =
        ["phone", "first_name", "last_name", "email", "city", "gender", "birth_date", "tags", "comment"];

    private static readonly string[] _junk =
    [
        "", "12345", "нет", "n/a", "+7 916 123", "123-45-67", "не знаю", "=HYPERLINK(\"tel:+79161234567\")",
        "ivan@mail.ru", "00", "тел.", "-", "@SUM(1+1)",
    ];

    private static readonly string[] _tags = ["vip", "опт", "сад", "огород", "семена", "рассада", "скидки", "новости", "Розница", "клуб"];
    private static readonly string[] _males = ["м", "М", "муж", "male", "m", "Мужской"];
    private static readonly string[] _females = ["ж", "Ж", "жен", "female", "F", "Женский"];
    private static readonly string[] _domains = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru", "rambler.ru"];
    private static readonly string[] _comments =
        ["перезвонить", "клиент из магазина", "просил не звонить до 10:00", "оптовик; скидка 5%", "День открытых дверей\r\nзаписался на мастер-класс"];

    private const int Formats = 7;

    public static ImportBenchCounts Generate(Stream output, int rows, int seed)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);

        var faker = new Faker("ru") { Random = new Randomizer(seed) };
        var random = faker.Random;
        var cities = CityTable.BuiltIn.Where(c => c.City.Length > 0).Select(c => c.City).Distinct().ToArray();
        var seen = new HashSet<long>();
        var valid = new List<(long Number, int Format)>();
        int unique = 0, duplicates = 0, junk = 0, lines = 1;

        using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true);
        writer.Write(string.Join(';', Header));
        writer.Write("\r\n");

        var fields = new string[Header.Length];
        for (var i = 0; i < rows; i++)
        {
            var roll = random.Double();
            if (roll < JunkShare)
            {
                fields[0] = random.ArrayElement(_junk);
                junk++;
            }
            else if (roll < JunkShare + DuplicateShare && valid.Count > 0)
            {
                var (number, format) = valid[random.Int(0, valid.Count - 1)];
                fields[0] = FormatPhone(number, (format + random.Int(1, Formats - 1)) % Formats, random);
                duplicates++;
            }
            else
            {
                long number;
                do
                {
                    number = 9_000_000_000L + random.Long(0, 999_999_999L);
                }
                while (!IsValid(number) || !seen.Add(number));

                var format = random.Int(0, Formats - 1);
                valid.Add((number, format));
                fields[0] = FormatPhone(number, format, random);
                unique++;
            }

            var male = random.Bool();
            var gender = male ? Bogus.DataSets.Name.Gender.Male : Bogus.DataSets.Name.Gender.Female;
            var first = faker.Name.FirstName(gender);
            var last = faker.Name.LastName(gender);
            fields[1] = random.Double() < 0.05 ? "" : first;
            fields[2] = random.Double() < 0.1 ? "" : last;
            fields[3] = random.Double() < 0.3 ? "" : Email(random, i);
            fields[4] = random.Double() < 0.1 ? "" : random.Double() < 0.1 ? "  " + random.ArrayElement(cities) + " " : random.ArrayElement(cities);
            fields[5] = random.Double() < 0.2 ? "" : random.ArrayElement(male ? _males : _females);
            fields[6] = random.Double() < 0.3 ? "" : BirthDate(random);
            fields[7] = string.Join('|', random.ArrayElements(_tags, random.Int(0, 3)));
            var comment = random.Double() < 0.05 ? random.ArrayElement(_comments) : "";
            fields[8] = comment;
            if (comment.Contains('\n', StringComparison.Ordinal))
            {
                lines++;
            }

            for (var f = 0; f < fields.Length; f++)
            {
                if (f > 0)
                {
                    writer.Write(';');
                }

                WriteField(writer, fields[f]);
            }

            writer.Write("\r\n");
            lines++;
        }

        writer.Flush();
        return new ImportBenchCounts(rows, unique, duplicates, junk, lines);
    }

    // A few sub-ranges of 9xx (e.g. parts of 930) are not allocated; the counts must be exact.
    private static bool IsValid(long number) =>
        PhoneParser.Parse("+7" + number.ToString(CultureInfo.InvariantCulture)).IsSuccess;

    private static string FormatPhone(long number, int format, Randomizer random)
    {
        var d = number.ToString(CultureInfo.InvariantCulture); // 10 digits, 9xxxxxxxxx
        var text = format switch
        {
            0 => $"8 ({d[..3]}) {d[3..6]}-{d[6..8]}-{d[8..]}",
            1 => $"+7 {d[..3]} {d[3..6]} {d[6..8]} {d[8..]}",
            2 => d,
            3 => $"8-{d[..3]}-{d[3..6]}-{d[6..8]}-{d[8..]}",
            4 => $"+7({d[..3]}){d[3..]}",
            5 => "7" + d,
            _ => $"8 {d[..3]} {d[3..]}",
        };
        return random.Double() < 0.02 ? text + " доб. " + random.Int(1, 999).ToString(CultureInfo.InvariantCulture) : text;
    }

    private static string Email(Randomizer random, int i)
    {
        var local = random.Double() < 0.01 ? "broken@" : "user" + i.ToString(CultureInfo.InvariantCulture) + "." + random.AlphaNumeric(4);
        var email = local + "@" + random.ArrayElement(_domains);
        return random.Double() < 0.1 ? email.ToUpperInvariant() : email;
    }

    private static string BirthDate(Randomizer random)
    {
        var date = new DateOnly(1950, 1, 1).AddDays(random.Int(0, 20_000));
        return random.Int(0, 3) switch
        {
            0 => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            1 => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
            2 => (date.DayNumber - new DateOnly(1899, 12, 30).DayNumber).ToString(CultureInfo.InvariantCulture),
            _ => date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
        };
    }

    private static void WriteField(StreamWriter writer, string value)
    {
        if (value.AsSpan().IndexOfAny(";\"\r\n") < 0)
        {
            writer.Write(value);
            return;
        }

        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }
}
