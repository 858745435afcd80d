namespace PhoneCrm.IntegrationTests.Contacts;

/// <summary>
/// Files shaped like the exports customers bring (tests/Fixtures/Imports): Bitrix24 contacts (Windows-1251, «;», every
/// cell quoted, work/mobile/home/other phone columns, two numbers in a cell), amoCRM contacts (UTF-8 with BOM,
/// «Полное имя контакта»), 1C counterparties, a file headed «Номер клиента» and one with no header row.
/// </summary>
public static class ImportFixtures
{
    public const string Bitrix24 = "bitrix24-contacts.csv";
    public const string AmoCrm = "amocrm-contacts.csv";
    public const string OneC = "1c-counterparties.csv";
    public const string NoPhoneHeader = "loyalty-no-phone-header.csv";
    public const string NoHeader = "no-header.csv";

    public static string PathOf(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Fixtures", "Imports", name);
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException($"Import fixture {name} not found above {AppContext.BaseDirectory}.");
    }

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));
}
