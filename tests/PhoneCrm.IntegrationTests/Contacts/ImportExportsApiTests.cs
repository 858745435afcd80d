using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Contacts;

/// <summary>
/// Issue 19 item 2: the exports customers bring (Bitrix24, amoCRM, 1C) import right through <c>POST /api/v1/imports</c>
/// with no mapping — the mobile number preferred, the other numbers kept, the full name split, Russian dates read.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ImportExportsApiTests(AppFixture app)
{
    [Fact]
    public async Task A_bitrix24_export_imports_the_mobile_numbers_and_keeps_the_others()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var job = await ImportsApiTests.ImportAndWaitAsync(api, ImportFixtures.Bytes(ImportFixtures.Bitrix24), ImportFixtures.Bitrix24);
        Assert.Equal(("completed", 6, 6, 5, 0, 0, 1, 3),
            (Str(job, "status"), Int(job, "totalRows"), Int(job, "processedRows"), Int(job, "created"), Int(job, "updated"),
             Int(job, "duplicates"), Int(job, "rejected"), Int(job, "otherPhones")));
        var rejected = (await api.GetStringAsync($"/api/v1/imports/{Str(job, "id")}/rejected")).TrimEnd().Split("\r\n");
        Assert.Equal(["line,value,reason", "6,,missing phone"], rejected);

        // Work and mobile given: the mobile is the number, the landline kept aside.
        var ivan = await ContactAsync(api, "+79161112233");
        Assert.Equal(("Иван", "Петров", "Сергеевич", "ivan.petrov@example.ru", "Москва", "1985-03-14", "mobile", "import"),
            (Str(ivan, "firstName"), Str(ivan, "lastName"), Str(ivan, "middleName"), Str(ivan, "email"), Str(ivan, "city"),
             Str(ivan, "birthDate"), Str(ivan, "phoneType"), ivan.GetProperty("source").GetProperty("channel").GetString()));
        Assert.Equal(["+74951234567"], Strings(ivan, "otherPhones"));
        Assert.Empty(Strings(ivan, "tags"));
        await AssertNoContactAsync(api, "+74951234567");

        // Only a mobile: imported, not "missing phone". The mapped e-mail is the work one (empty here).
        var anna = await ContactAsync(api, "+79032223344");
        Assert.Equal(("Анна", "Смирнова", "Павловна", null, "Санкт-Петербург", "1990-11-02", "mobile"),
            (Str(anna, "firstName"), Str(anna, "lastName"), Str(anna, "middleName"), Str(anna, "email"), Str(anna, "city"),
             Str(anna, "birthDate"), Str(anna, "phoneType")));
        Assert.Empty(Strings(anna, "otherPhones"));

        // Two numbers in one cell: the mobile one is the number, the landline kept.
        var oleg = await ContactAsync(api, "+79165556677");
        Assert.Equal(("Олег", "Кузнецов", null, "o.kuznetsov@firma.ru", "Казань", null, "mobile"),
            (Str(oleg, "firstName"), Str(oleg, "lastName"), Str(oleg, "middleName"), Str(oleg, "email"), Str(oleg, "city"),
             Str(oleg, "birthDate"), Str(oleg, "phoneType")));
        Assert.Equal(["+74957654321"], Strings(oleg, "otherPhones"));
        await AssertNoContactAsync(api, "+74957654321");

        // Only a landline: imported with it (the person is still a customer; sending rules see its type).
        var elena = await ContactAsync(api, "+78123002010");
        Assert.Equal(("Елена", "Волкова", "Игоревна", "fixed_line", "Санкт-Петербург"),
            (Str(elena, "firstName"), Str(elena, "lastName"), Str(elena, "middleName"), Str(elena, "phoneType"), Str(elena, "city")));
        Assert.Empty(Strings(elena, "otherPhones"));

        // Mobile and home: the home number kept.
        var sergey = await ContactAsync(api, "+79267008090");
        Assert.Equal(("Сергей", "Морозов", "Андреевич", "1977-07-07", "Москва"),
            (Str(sergey, "firstName"), Str(sergey, "lastName"), Str(sergey, "middleName"), Str(sergey, "birthDate"), Str(sergey, "city")));
        Assert.Equal(["+74951111111"], Strings(sergey, "otherPhones"));
    }

    [Fact]
    public async Task An_amocrm_export_splits_the_full_name_and_prefers_the_mobile_number()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var job = await ImportsApiTests.ImportAndWaitAsync(api, ImportFixtures.Bytes(ImportFixtures.AmoCrm), ImportFixtures.AmoCrm);
        Assert.Equal(("completed", 3, 3, 3, 0, 0, 0, 1),
            (Str(job, "status"), Int(job, "totalRows"), Int(job, "processedRows"), Int(job, "created"), Int(job, "updated"),
             Int(job, "duplicates"), Int(job, "rejected"), Int(job, "otherPhones")));

        var petr = await ContactAsync(api, "+79263334455");
        Assert.Equal(("Пётр", "Сидоров", "Алексеевич", "sidorov@vector.ru", "Казань", null, "mobile"),
            (Str(petr, "firstName"), Str(petr, "lastName"), Str(petr, "middleName"), Str(petr, "email"), Str(petr, "city"),
             Str(petr, "birthDate"), Str(petr, "phoneType")));
        Assert.Equal(["+74952223344"], Strings(petr, "otherPhones"));
        Assert.Equal(["vip", "опт"], Strings(petr, "tags").Order());

        // «Имя Фамилия» order is recognised; the work e-mail column is empty, so no e-mail (the personal one is not mapped).
        var olga = await ContactAsync(api, "+79057778899");
        Assert.Equal(("Ольга", "Кузнецова", null, null, "Екатеринбург"),
            (Str(olga, "firstName"), Str(olga, "lastName"), Str(olga, "middleName"), Str(olga, "email"), Str(olga, "city")));
        Assert.Equal(["розница"], Strings(olga, "tags"));
        Assert.Empty(Strings(olga, "otherPhones"));

        var alexey = await ContactAsync(api, "+79991234567");
        Assert.Equal(("Алексей", null, null, "Новосибирск", "Asia/Novosibirsk"),
            (Str(alexey, "firstName"), Str(alexey, "lastName"), Str(alexey, "middleName"), Str(alexey, "city"), Str(alexey, "timeZone")));
    }

    [Fact]
    public async Task A_1c_counterparty_export_imports_names_phones_and_two_digit_year_dates()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var job = await ImportsApiTests.ImportAndWaitAsync(api, ImportFixtures.Bytes(ImportFixtures.OneC), ImportFixtures.OneC);
        Assert.Equal(("completed", 2, 0, 0), (Str(job, "status"), Int(job, "created"), Int(job, "rejected"), Int(job, "otherPhones")));

        var dmitry = await ContactAsync(api, "+79167008091");
        Assert.Equal(("Дмитрий", "Козлов", "Игоревич", "kozlov@mail.ru", "1977-07-07", null),
            (Str(dmitry, "firstName"), Str(dmitry, "lastName"), Str(dmitry, "middleName"), Str(dmitry, "email"), Str(dmitry, "birthDate"),
             Str(dmitry, "city")));
        var maria = await ContactAsync(api, "+79210001122");
        Assert.Equal(("Мария", "Лебедева", null, "1988-05-20"),
            (Str(maria, "firstName"), Str(maria, "lastName"), Str(maria, "middleName"), Str(maria, "birthDate")));
    }

    [Fact]
    public async Task Through_the_api_a_file_with_no_recognisable_phone_column_is_still_a_clear_400()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        foreach (var name in new[] { ImportFixtures.NoPhoneHeader, ImportFixtures.NoHeader })
        {
            var response = await ImportsApiTests.PostFileAsync(api, ImportFixtures.Bytes(name), name);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("No phone column", problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        }
    }

    private static async Task<JsonElement> ContactAsync(HttpClient api, string e164)
    {
        var found = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(e164)}");
        var items = found.GetProperty("items");
        Assert.Equal(1, items.GetArrayLength());
        return items[0];
    }

    private static async Task AssertNoContactAsync(HttpClient api, string e164) =>
        Assert.Equal(0, (await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(e164)}"))
            .GetProperty("items").GetArrayLength());

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetString() : null;

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();

    private static IEnumerable<string?> Strings(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetString());
}
